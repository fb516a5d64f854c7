/** Empty states that tell a new user what to do next, with the snippet that logs a first run. */
export const SNIPPET = `import trackwell as wandb
run = wandb.init(project="my-project", config={"lr": 0.01})
run.log({"loss": 0.5}); run.finish()`;

export function Empty(props: { title: string; children?: React.ReactNode; snippet?: boolean }): React.JSX.Element {
  return (
    <div className="empty" data-testid="empty">
      <h2>{props.title}</h2>
      {props.children}
      {props.snippet && (
        <>
          <p>Log a run from Python with three lines:</p>
          <pre className="snippet">{SNIPPET}</pre>
        </>
      )}
    </div>
  );
}
