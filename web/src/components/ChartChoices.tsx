/**
 * The choices of a line panel's x axis and smoothing, as the add-panel dialog and the panel editor
 * offer them (`<option>`s for their selects; the empty value follows the workspace's toolbar).
 */
import { SMOOTHING_CHOICES } from "../lib/panelSettings";

export function XAxisOptions({ axes }: { axes: readonly string[] }): React.JSX.Element {
  return (
    <>
      <option value="">as the workspace (X axis above)</option>
      <option value="step">Step (the history row, not a step metric)</option>
      <option value="wall">Wall time</option>
      <option value="relative">Relative time</option>
      {axes.map((m) => (
        <option key={m} value={`m:${m}`}>
          {m}
        </option>
      ))}
    </>
  );
}

export function SmoothingOptions(): React.JSX.Element {
  return (
    <>
      <option value="">as the workspace (Smoothing above)</option>
      {SMOOTHING_CHOICES.map(([k, label]) => (
        <option key={k} value={k}>
          {label}
        </option>
      ))}
    </>
  );
}
