/** A version's Overview: what it is (name, size, digest, who logged it and who used it), its
 * aliases, tags and description (editable), metadata as a JSON tree, and the code that uses it. */
import { useQuery } from "@tanstack/react-query";
import { bytes } from "../lib/files";
import { dateTime, duration } from "../lib/format";
import { artifactsApi, keys } from "./api";
import { CopyButton, RunLink } from "./common";
import { EditAliases, EditDescription, EditTags } from "./EditVersion";
import { JsonTree } from "./JsonTree";
import { usageSnippet } from "./snippet";
import type { ArtifactVersionOut } from "./types";

export function Overview({ v }: { v: ArtifactVersionOut }): React.JSX.Element {
  const usedBy = useQuery({
    queryKey: [...keys.version(v.entity, v.project, v.name, v.version), "used-by"],
    queryFn: () => artifactsApi.usedBy(v.entity, v.project, v.name, v.version),
  });
  const snippet = usageSnippet(v);
  const metadata = v.metadata ?? {};
  return (
    <div className="artifact-overview">
      <table className="kv" data-testid="version-overview">
        <tbody>
          <tr>
            <th>Full name</th>
            <td>
              <code data-testid="qualified-name">{v.qualified_name}</code> <CopyButton text={v.qualified_name} />
            </td>
          </tr>
          <tr>
            <th>Aliases</th>
            <td className="plain">
              <EditAliases v={v} />
            </td>
          </tr>
          <tr>
            <th>Tags</th>
            <td className="plain">
              <EditTags v={v} />
            </td>
          </tr>
          <tr>
            <th>Description</th>
            <td className="plain">
              <EditDescription v={v} />
            </td>
          </tr>
          <tr>
            <th>Created</th>
            <td>{dateTime(v.created_at)}</td>
          </tr>
          {v.updated_at > v.created_at + 1 && (
            <tr>
              <th>Updated</th>
              <td>{dateTime(v.updated_at)}</td>
            </tr>
          )}
          <tr>
            <th>Size</th>
            <td data-testid="version-size">
              {bytes(v.size)} <span className="muted">({v.size.toLocaleString()} bytes)</span> in {v.file_count === 1 ? "1 file" : `${v.file_count.toLocaleString()} files`}
            </td>
          </tr>
          <tr>
            <th>Digest</th>
            <td>
              <code title="SHA-256 over the manifest's paths and file digests: equal content, equal digest">{v.digest}</code>
            </td>
          </tr>
          {v.state && v.state !== "COMMITTED" && (
            <tr>
              <th>State</th>
              <td>{v.state}</td>
            </tr>
          )}
          {v.ttl_seconds != null && (
            <tr>
              <th>Time to live</th>
              <td>{duration(v.ttl_seconds)}</td>
            </tr>
          )}
          {v.source && (
            <tr>
              <th>Linked from</th>
              <td>
                <code>{v.source}</code>
              </td>
            </tr>
          )}
          <tr>
            <th>Created by</th>
            <td className="plain" data-testid="logged-by">
              {v.logged_by ? <RunLink run={v.logged_by} /> : <span className="muted">no run (logged from outside a run)</span>}
            </td>
          </tr>
          <tr>
            <th>Used by</th>
            <td className="plain" data-testid="used-by">
              {usedBy.isPending && <span className="muted">Loading…</span>}
              {usedBy.isError && <span className="filter-error">{(usedBy.error as Error).message}</span>}
              {usedBy.data && usedBy.data.runs.length === 0 && <span className="muted">No run has used this version yet.</span>}
              {usedBy.data && usedBy.data.runs.length > 0 && (
                <ul className="run-list">
                  {usedBy.data.runs.map((r) => (
                    <li key={`${r.entity}/${r.project}/${r.run_id}`}>
                      <RunLink run={r} />
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        </tbody>
      </table>

      <section>
        <h2>Metadata</h2>
        {Object.keys(metadata).length === 0 ? (
          <p className="muted">
            No metadata. Set it with <code>wandb.Artifact(name, type, metadata={"{...}"})</code>.
          </p>
        ) : (
          <JsonTree value={metadata} />
        )}
      </section>

      <section data-testid="usage">
        <h2>
          Usage <CopyButton text={snippet} label="Copy code" />
        </h2>
        <pre className="snippet usage">{snippet}</pre>
      </section>
    </div>
  );
}
