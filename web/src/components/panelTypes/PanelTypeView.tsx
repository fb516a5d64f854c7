/**
 * The run comparer, scalar, markdown note, media and lineage panels of the workspace layout: what
 * PanelLayout draws for these panel types (each gets the panel's drag handle and menu as `tools`).
 */
import type { ComparerPanel, LineagePanel, MarkdownPanel, MediaPanel, PanelSpec, ScalarPanel } from "../../lib/layout";
import type { PanelContext } from "../PanelLayout";
import { ComparerPanelView } from "./ComparerPanelView";
import { LineagePanelView } from "./LineagePanelView";
import { MediaKeyPanelView } from "./MediaKeyPanelView";
import { NotePanelView } from "./NotePanelView";
import { ScalarPanelView } from "./ScalarPanelView";
import "./panelTypes.css";

export type PanelTypeSpec = ComparerPanel | ScalarPanel | MarkdownPanel | MediaPanel | LineagePanel;

export const PANEL_TYPES = ["comparer", "scalar", "markdown", "media", "lineage"] as const;

export function isPanelType(p: PanelSpec): p is PanelTypeSpec {
  return (PANEL_TYPES as readonly string[]).includes(p.type);
}

/** `full`: the body's height in the full-screen view (else the panel's size says it). */
export function PanelTypeView({ panel, ctx, tools, full }: { panel: PanelTypeSpec; ctx: PanelContext; tools: React.ReactNode; full?: number | undefined }): React.JSX.Element {
  if (panel.type === "comparer") return <ComparerPanelView panel={panel} ctx={ctx} tools={tools} full={full} />;
  if (panel.type === "scalar") return <ScalarPanelView panel={panel} ctx={ctx} tools={tools} full={full} />;
  if (panel.type === "markdown") return <NotePanelView panel={panel} ctx={ctx} tools={tools} full={full} />;
  if (panel.type === "lineage") return <LineagePanelView panel={panel} ctx={ctx} tools={tools} />;
  return <MediaKeyPanelView panel={panel} ctx={ctx} tools={tools} />;
}

/** The head every one of these panels has: title (full text on hover), an optional note, tools. */
export function PanelHead({ title, note, tools }: { title: string; note?: React.ReactNode; tools: React.ReactNode }): React.JSX.Element {
  return (
    <div className="panel-head">
      <span className="panel-title" title={title}>
        {title} {note && <span className="muted">{note}</span>}
      </span>
      <span className="panel-tools">{tools}</span>
    </div>
  );
}
