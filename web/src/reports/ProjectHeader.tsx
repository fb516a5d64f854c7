/** The project's name and its views as tabs (Reports active), above every report page. */
import { ProjectNav } from "../artifacts/common";
import { Link, paths } from "../router";

export function ProjectHeader({ entity, project, children }: { entity: string; project: string; children?: React.ReactNode }): React.JSX.Element {
  return (
    <>
      <div className="project-title">
        <Link to={paths.projects()}>{entity}</Link> / <Link to={paths.workspace(entity, project)}>{project}</Link> / <Link to={paths.reports(entity, project)}>Reports</Link>
        {children}
      </div>
      <ProjectNav entity={entity} project={project} active="reports" />
    </>
  );
}
