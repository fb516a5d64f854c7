/**
 * Saving in the editor: a save names the version it was edited from (`base_version`); when someone
 * saved since, the server refuses it (409) and the editor says who and offers to load their version
 * or to overwrite it knowingly. Errors naming a field (`blocks.3.image`) are kept with the block.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { ApiError } from "../api/client";
import { reportKeys, reportsApi, type ReportDocument, type ReportOut } from "./api";
import { blockIndexOfField, cleanBlock } from "./blocks";

export interface SaveProblem {
  message: string;
  field: string | null;
  /** The block the field names, when it names one. */
  block: number | null;
}

export interface SaveState {
  saving: boolean;
  problem: SaveProblem | null;
  /** Set after a 409: the newest version someone else saved. */
  conflict: ReportOut | null;
  save: (doc: ReportDocument, baseVersion: number) => Promise<ReportOut | null>;
  clearConflict: () => void;
}

/** The document as it is sent: blocks in canonical form, the title trimmed. */
export function documentToSave(doc: ReportDocument): ReportDocument {
  return { title: doc.title.trim(), description: doc.description, status: doc.status, blocks: doc.blocks.map(cleanBlock) };
}

export function useReportSave(entity: string, project: string, reportId: string, onSaved: (saved: ReportOut) => void): SaveState {
  const qc = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<SaveProblem | null>(null);
  const [conflict, setConflict] = useState<ReportOut | null>(null);
  const inFlight = useRef(false);

  const save = async (doc: ReportDocument, baseVersion: number): Promise<ReportOut | null> => {
    if (inFlight.current) return null;
    inFlight.current = true;
    setSaving(true);
    setProblem(null);
    try {
      const saved = await reportsApi.save(entity, project, reportId, documentToSave(doc), baseVersion);
      setConflict(null);
      qc.setQueryData(reportKeys.report(entity, project, reportId, null), saved);
      void qc.invalidateQueries({ queryKey: reportKeys.versions(entity, project, reportId) });
      void qc.invalidateQueries({ queryKey: ["reports", entity, project, "list"] });
      onSaved(saved);
      return saved;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // Who saved, and what: the editor shows it and offers the two ways out.
        const newest = await reportsApi.get(entity, project, reportId, null).catch(() => null);
        setConflict(newest);
        setProblem({ message: e.message, field: e.field ?? null, block: null });
      } else {
        const field = e instanceof ApiError ? (e.field ?? null) : null;
        setProblem({ message: e instanceof Error ? e.message : String(e), field, block: blockIndexOfField(field) });
      }
      return null;
    } finally {
      inFlight.current = false;
      setSaving(false);
    }
  };
  return { saving, problem, conflict, save, clearConflict: () => setConflict(null) };
}
