/**
 * A report, read-only: its title, description, byline and every block of schema/reports.py. Used by
 * the report page, the history's old versions and the public page (share/PublicReport.tsx).
 *
 * Nothing here renders HTML from the document: text is spans turned into React elements, a link only
 * when its scheme is one the schema allows (opened with rel=noopener), Markdown through the
 * workspace's note renderer (raw HTML shown as text).
 */
import { lazy, Suspense } from "react";
import { api } from "../api/client";
import { ago, dateTime } from "../lib/format";
import type { Block, ImageBlock, ReportOut, Span } from "./api";
import { ReportPanelGrid } from "./panels/ReportPanelGrid";
import { safeLink } from "./spans";
import "./reports.css";

const MarkdownNote = lazy(() => import("../components/panelTypes/MarkdownNote"));

/** One span's text with its marks. */
function SpanView({ span }: { span: Span }): React.JSX.Element {
  let el: React.ReactNode = span.text;
  if (span.code) el = <code>{el}</code>;
  if (span.italic) el = <em>{el}</em>;
  if (span.bold) el = <strong>{el}</strong>;
  const href = safeLink(span.link);
  if (href)
    el = (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {el}
      </a>
    );
  return <>{el}</>;
}

export function SpansView({ spans }: { spans: readonly Span[] }): React.JSX.Element {
  return (
    <>
      {spans.map((s, i) => (
        <SpanView key={i} span={s} />
      ))}
    </>
  );
}

/** Where an image block's picture is: its web URL, or the run file through the file route. */
export function imageSource(block: ImageBlock): string | null {
  if (block.run_file) return api.fileUrl(block.run_file.entity, block.run_file.project, block.run_file.run_id, block.run_file.path);
  return safeLink(block.url);
}

export function ImageView({ block }: { block: ImageBlock }): React.JSX.Element {
  const src = imageSource(block);
  return (
    <figure className="report-image">
      {src ? <img src={src} alt={block.caption ?? ""} loading="lazy" referrerPolicy="no-referrer" /> : <div className="muted">No image chosen</div>}
      {block.caption && <figcaption>{block.caption}</figcaption>}
    </figure>
  );
}

/** One block, read-only. */
export function BlockView({ block }: { block: Block }): React.JSX.Element {
  switch (block.type) {
    case "heading": {
      const H = `h${block.level}` as "h1" | "h2" | "h3";
      return (
        <H className="report-heading">
          <SpansView spans={block.text} />
        </H>
      );
    }
    case "paragraph":
      return (
        <p className="report-text">
          <SpansView spans={block.text} />
        </p>
      );
    case "callout":
      return (
        <div className="report-callout" role="note">
          <SpansView spans={block.text} />
        </div>
      );
    case "list": {
      const L = block.ordered ? "ol" : "ul";
      return (
        <L className="report-list">
          {block.items.map((item, i) => (
            <li key={i}>
              <SpansView spans={item} />
            </li>
          ))}
        </L>
      );
    }
    case "code":
      return (
        <pre className="report-code" data-language={block.language ?? undefined}>
          {block.language && <span className="report-code-lang">{block.language}</span>}
          <code>{block.code}</code>
        </pre>
      );
    case "markdown":
      return (
        <div className="report-markdown">
          <Suspense fallback={<pre className="report-code">{block.text}</pre>}>
            <MarkdownNote text={block.text} />
          </Suspense>
        </div>
      );
    case "image":
      return <ImageView block={block} />;
    case "panel_grid":
      return <ReportPanelGrid block={block} editable={false} />;
  }
}

export function ReportBlocks({ blocks }: { blocks: readonly Block[] }): React.JSX.Element {
  return (
    <div className="report-blocks">
      {blocks.map((b, i) => (
        <div className="report-block" key={i} data-testid="report-block" data-type={b.type}>
          <BlockView block={b} />
        </div>
      ))}
    </div>
  );
}

export function ReportView({ report }: { report: ReportOut }): React.JSX.Element {
  return (
    <article className="report-doc" data-testid="report-view">
      <h1 className="report-title" data-testid="report-title">
        {report.title}
      </h1>
      {report.description && <p className="report-description">{report.description}</p>}
      <div className="report-byline muted" data-testid="report-byline">
        {report.owner ?? "a former member"}
        {report.author && report.author !== report.owner ? ` · last edited by ${report.author}` : ""} · saved{" "}
        <span title={dateTime(report.version_created_at)}>{ago(report.version_created_at)}</span>
      </div>
      {report.blocks.length === 0 ? <p className="muted">This report has no blocks yet.</p> : <ReportBlocks blocks={report.blocks} />}
    </article>
  );
}
