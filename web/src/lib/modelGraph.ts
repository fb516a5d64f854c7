/**
 * A model's module tree as `run.watch(model, log_graph=True)` records it: a `graph-file` in the
 * run's summary (wandb's key `graph_0`), whose JSON holds `nodes` (one per module, its dotted
 * name, class, output shape and own parameters) and `edges` (parent to child). This turns it into
 * the rows of a collapsible table, in the model's own module order, with each module's parameter
 * count over its whole subtree (what a reader compares between layers).
 */

export interface GraphNode {
  id: number;
  name: string;
  class_name: string;
  output_shape?: unknown;
  parameters?: [string, number[]][];
  num_parameters?: number[];
}

export interface GraphDoc {
  format?: string;
  nodes: GraphNode[];
  edges: [number, number][];
}

export interface GraphRow {
  id: number;
  /** The module's own name: the last part of its dotted path ("" for the model). */
  label: string;
  path: string;
  depth: number;
  className: string;
  outputShape: string;
  /** Parameters of this module and every module under it. */
  params: number;
  /** The module's own parameters, `name [shape]`. */
  ownParams: string[];
  hasChildren: boolean;
  parent: number | null;
}

/** Reads a graph file; throws a message that says what is wrong with it. */
export function parseGraph(json: unknown): GraphDoc {
  const doc = json as Partial<GraphDoc> | null;
  if (!doc || typeof doc !== "object" || !Array.isArray(doc.nodes)) throw new Error("not a model graph file: it has no nodes");
  const nodes = doc.nodes.filter((n): n is GraphNode => !!n && typeof n === "object" && typeof (n as GraphNode).id === "number");
  const edges = (Array.isArray(doc.edges) ? doc.edges : []).filter((e): e is [number, number] => Array.isArray(e) && typeof e[0] === "number" && typeof e[1] === "number");
  return { format: doc.format, nodes, edges };
}

/** A recorded output shape as text: `[32, 10]`, nested outputs as their JSON, none as "". */
export function shapeText(shape: unknown): string {
  if (shape === null || shape === undefined) return "";
  if (Array.isArray(shape) && shape.every((s) => typeof s === "number")) return `[${shape.join(", ")}]`;
  return JSON.stringify(shape);
}

/** The table's rows, depth first in the order the model lists its modules. */
export function graphRows(doc: GraphDoc): GraphRow[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const children = new Map<number, number[]>();
  const parentOf = new Map<number, number>();
  for (const [p, c] of doc.edges) {
    if (!byId.has(p) || !byId.has(c) || parentOf.has(c)) continue;
    parentOf.set(c, p);
    const list = children.get(p);
    if (list) list.push(c);
    else children.set(p, [c]);
  }
  const own = (n: GraphNode): number => (n.num_parameters ?? []).reduce((a, b) => a + b, 0);
  const total = new Map<number, number>();
  const subtree = (id: number, seen: Set<number>): number => {
    const cached = total.get(id);
    if (cached !== undefined) return cached;
    if (seen.has(id)) return 0; // a malformed file with a cycle
    seen.add(id);
    const node = byId.get(id);
    const sum = (node ? own(node) : 0) + (children.get(id) ?? []).reduce((a, c) => a + subtree(c, seen), 0);
    total.set(id, sum);
    return sum;
  };
  const rows: GraphRow[] = [];
  const visit = (id: number, depth: number, seen: Set<number>): void => {
    const n = byId.get(id);
    if (!n || seen.has(id)) return;
    seen.add(id);
    const kids = children.get(id) ?? [];
    rows.push({
      id,
      label: n.name.split(".").pop() || n.name,
      path: n.name,
      depth,
      className: n.class_name,
      outputShape: shapeText(n.output_shape),
      params: subtree(id, new Set()),
      ownParams: (n.parameters ?? []).map(([name, shape]) => `${name} [${(shape ?? []).join(", ")}]`),
      hasChildren: kids.length > 0,
      parent: parentOf.get(id) ?? null,
    });
    for (const c of kids) visit(c, depth + 1, seen);
  };
  const seen = new Set<number>();
  for (const n of doc.nodes) if (!parentOf.has(n.id)) visit(n.id, 0, seen);
  return rows;
}

/** The rows a reader sees: those whose every ancestor is expanded. */
export function visibleRows(rows: readonly GraphRow[], expanded: ReadonlySet<number>): GraphRow[] {
  const shown = new Set<number>();
  const out: GraphRow[] = [];
  for (const r of rows) {
    if (r.parent === null || (shown.has(r.parent) && expanded.has(r.parent))) {
      shown.add(r.id);
      out.push(r);
    }
  }
  return out;
}
