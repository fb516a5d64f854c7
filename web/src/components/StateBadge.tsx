/** A run's state as a coloured badge; running runs pulse so live runs stand out in a long table. */
export function StateBadge({ state }: { state: string }): React.JSX.Element {
  return (
    <span className={`badge state-${state}`} data-state={state}>
      {state === "running" && <span className="live-dot" aria-hidden />}
      {state}
    </span>
  );
}
