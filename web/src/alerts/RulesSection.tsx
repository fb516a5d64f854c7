/** The project's alert rules: a run fails, a run crashes, a metric's latest value crosses a
 * threshold (once per run). Create, edit, pause/resume, delete; a draft names what is missing. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { alertKeys, alertsApi, describeRule, ruleProblems, type Rule, type RuleIn, type Webhook } from "../api/alerts";
import { describe } from "./WebhooksSection";

const EMPTY: RuleIn = { kind: "metric_threshold", metric_key: "", op: ">", value: null, level: "ERROR", webhook_ids: [], enabled: true };

export function RulesSection({ entity, project }: { entity: string; project: string }): React.JSX.Element {
  const qc = useQueryClient();
  const rules = useQuery({ queryKey: alertKeys.rules(entity, project), queryFn: () => alertsApi.rules(entity, project) });
  const hooks = useQuery({ queryKey: alertKeys.webhooks(entity, project), queryFn: () => alertsApi.webhooks(entity, project) });
  const [editing, setEditing] = useState<number | "new" | null>(null);
  const refresh = (): void => void qc.invalidateQueries({ queryKey: alertKeys.rules(entity, project) });
  const save = useMutation({
    mutationFn: ({ id, rule }: { id: number | "new"; rule: RuleIn }) =>
      id === "new" ? alertsApi.addRule(entity, project, rule) : alertsApi.updateRule(entity, project, id, rule),
    onSuccess: () => {
      setEditing(null);
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: number) => alertsApi.deleteRule(entity, project, id), onSuccess: refresh });
  const webhooks = hooks.data?.webhooks ?? [];
  const names = new Map(webhooks.map((w) => [w.id, w.name]));
  return (
    <section className="alerts-section" data-testid="rules">
      <h2>Rules</h2>
      {rules.data && rules.data.rules.length === 0 && editing === null && <p className="muted">No rules yet.</p>}
      <ul className="rule-list">
        {rules.data?.rules.map((r) =>
          editing === r.id ? (
            <li key={r.id}>
              <RuleForm initial={r} webhooks={webhooks} busy={save.isPending} onSave={(rule) => save.mutate({ id: r.id, rule })} onCancel={() => setEditing(null)} />
            </li>
          ) : (
            <li key={r.id} data-testid="rule" className={r.enabled ? "" : "rule-paused"}>
              <span className={`badge level-${r.level.toLowerCase()}`}>{r.level}</span> <span className="rule-text">{describeRule(r)}</span>
              <div className="muted small">
                {r.webhook_ids?.length ? `→ ${r.webhook_ids.map((id) => names.get(id) ?? `#${id}`).join(", ")}` : "shown here only (no webhook)"}
                {r.enabled ? "" : " · paused"}
              </div>
              <span className="row-actions">
                <button type="button" onClick={() => save.mutate({ id: r.id, rule: { ...asInput(r), enabled: !r.enabled } })}>
                  {r.enabled ? "Pause" : "Resume"}
                </button>
                <button type="button" onClick={() => setEditing(r.id)}>
                  Edit
                </button>
                <button type="button" className="danger" onClick={() => window.confirm("Delete this rule? The alerts it raised stay.") && remove.mutate(r.id)}>
                  Delete
                </button>
              </span>
            </li>
          ),
        )}
      </ul>
      {editing === "new" ? (
        <RuleForm initial={EMPTY} webhooks={webhooks} busy={save.isPending} onSave={(rule) => save.mutate({ id: "new", rule })} onCancel={() => setEditing(null)} />
      ) : (
        <button type="button" className="primary" onClick={() => setEditing("new")} data-testid="new-rule">
          New rule
        </button>
      )}
      {(save.error ?? remove.error) && (
        <p className="filter-error" role="alert">
          {describe(save.error ?? remove.error)}
        </p>
      )}
    </section>
  );
}

function asInput(r: Rule): RuleIn {
  return { kind: r.kind, metric_key: r.metric_key, op: r.op, value: r.value, level: r.level, webhook_ids: r.webhook_ids, enabled: r.enabled };
}

function RuleForm(props: { initial: RuleIn; webhooks: Webhook[]; busy: boolean; onSave: (rule: RuleIn) => void; onCancel: () => void }): React.JSX.Element {
  const [rule, setRule] = useState<RuleIn>(props.initial);
  const [valueText, setValueText] = useState(props.initial.value === null || props.initial.value === undefined ? "" : String(props.initial.value));
  const [tried, setTried] = useState(false);
  const threshold = rule.kind === "metric_threshold";
  const draft: RuleIn = threshold
    ? { ...rule, value: valueText.trim() === "" ? null : Number(valueText) }
    : { ...rule, metric_key: null, op: null, value: null };
  const problems = ruleProblems(draft);
  const set = (change: Partial<RuleIn>): void => setRule({ ...rule, ...change });
  const toggleHook = (id: number): void =>
    set({ webhook_ids: rule.webhook_ids?.includes(id) ? rule.webhook_ids.filter((x) => x !== id) : [...(rule.webhook_ids ?? []), id] });
  return (
    <form
      className="alert-form rule-form"
      data-testid="rule-form"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (Object.keys(problems).length === 0) props.onSave(draft);
      }}
    >
      <label>
        When
        <select value={rule.kind} onChange={(e) => set({ kind: e.target.value as RuleIn["kind"] })} aria-label="rule kind">
          <option value="metric_threshold">a metric crosses a threshold</option>
          <option value="run_failed">a run fails</option>
          <option value="run_crashed">a run crashes</option>
        </select>
      </label>
      {threshold && (
        <div className="threshold-fields">
          <label>
            Metric
            <input value={rule.metric_key ?? ""} onChange={(e) => set({ metric_key: e.target.value })} placeholder="loss" aria-label="metric" aria-invalid={tried && !!problems.metric_key} />
          </label>
          <label>
            Is
            <select value={rule.op ?? ">"} onChange={(e) => set({ op: e.target.value as RuleIn["op"] })} aria-label="comparison">
              {[">", ">=", "<", "<="].map((op) => (
                <option key={op} value={op}>
                  {op}
                </option>
              ))}
            </select>
          </label>
          <label>
            Value
            <input value={valueText} onChange={(e) => setValueText(e.target.value)} inputMode="decimal" placeholder="2.5" aria-label="threshold" aria-invalid={tried && !!problems.value} />
          </label>
        </div>
      )}
      {tried && problems.metric_key && <p className="field-error">{problems.metric_key}</p>}
      {tried && problems.value && <p className="field-error">{problems.value}</p>}
      {threshold && <p className="muted small">Checked on each run&apos;s latest logged value; fires once per run.</p>}
      <label>
        Level
        <select value={rule.level} onChange={(e) => set({ level: e.target.value as RuleIn["level"] })} aria-label="level">
          <option>INFO</option>
          <option>WARN</option>
          <option>ERROR</option>
        </select>
      </label>
      <fieldset>
        <legend>Post to</legend>
        {props.webhooks.length === 0 && <span className="muted small">No webhooks yet: the alert shows on this page and the run only.</span>}
        {props.webhooks.map((w) => (
          <label key={w.id} className="check">
            <input type="checkbox" checked={rule.webhook_ids?.includes(w.id) ?? false} onChange={() => toggleHook(w.id)} /> {w.name}
          </label>
        ))}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={rule.enabled ?? true} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
      </label>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={props.busy}>
          Save rule
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
