/**
 * A project's alerts page routes (docs/alerts.md): the alert feed, webhooks (URLs never come back:
 * `url_hint` is host + last 4 characters), rules and the delivery log. Shapes are
 * schema/alert_rules.py's wire models (generated).
 */
import { request } from "./client";
import type { components } from "./generated/schema";

type S = components["schemas"];
export type ProjectAlert = S["ProjectAlertOut"];
export type Webhook = S["WebhookOut"];
export type Rule = S["RuleOut"];
export type RuleIn = S["RuleIn"];
export type Delivery = S["DeliveryOut"];

const enc = encodeURIComponent;
const base = (e: string, p: string): string => `/api/v1/alerts/${enc(e)}/${enc(p)}`;

export const alertKeys = {
  all: (e: string, p: string) => ["alerts", e, p] as const,
  feed: (e: string, p: string) => ["alerts", e, p, "feed"] as const,
  webhooks: (e: string, p: string) => ["alerts", e, p, "webhooks"] as const,
  rules: (e: string, p: string) => ["alerts", e, p, "rules"] as const,
  deliveries: (e: string, p: string) => ["alerts", e, p, "deliveries"] as const,
};

export const alertsApi = {
  feed: (e: string, p: string) => request<S["ProjectAlertList"]>("GET", `${base(e, p)}/feed?limit=100`),
  webhooks: (e: string, p: string) => request<S["WebhookList"]>("GET", `${base(e, p)}/webhooks`),
  addWebhook: (e: string, p: string, name: string, url: string) =>
    request<Webhook>("POST", `${base(e, p)}/webhooks`, { name, url }),
  deleteWebhook: (e: string, p: string, id: number) => request<void>("DELETE", `${base(e, p)}/webhooks/${id}`),
  sendTest: (e: string, p: string, id: number) => request<void>("POST", `${base(e, p)}/webhooks/${id}/test`),
  rules: (e: string, p: string) => request<S["RuleList"]>("GET", `${base(e, p)}/rules`),
  addRule: (e: string, p: string, rule: RuleIn) => request<Rule>("POST", `${base(e, p)}/rules`, rule),
  updateRule: (e: string, p: string, id: number, rule: RuleIn) => request<Rule>("PUT", `${base(e, p)}/rules/${id}`, rule),
  deleteRule: (e: string, p: string, id: number) => request<void>("DELETE", `${base(e, p)}/rules/${id}`),
  deliveries: (e: string, p: string) => request<S["DeliveryList"]>("GET", `${base(e, p)}/deliveries?limit=100`),
};

/** A rule in words, as the rules list shows it. */
export function describeRule(rule: RuleIn): string {
  if (rule.kind === "run_failed") return "A run fails";
  if (rule.kind === "run_crashed") return "A run crashes (stops sending logs and heartbeats)";
  return `${rule.metric_key ?? "?"} ${rule.op ?? "?"} ${rule.value ?? "?"} (latest value, once per run)`;
}

/** What is wrong with a draft rule, by field; empty when it can be saved. */
export function ruleProblems(rule: RuleIn): Partial<Record<"metric_key" | "value", string>> {
  if (rule.kind !== "metric_threshold") return {};
  const problems: Partial<Record<"metric_key" | "value", string>> = {};
  if (!rule.metric_key?.trim()) problems.metric_key = "Name the metric to watch, e.g. loss";
  if (rule.value === null || rule.value === undefined || !Number.isFinite(rule.value)) problems.value = "Enter a number, e.g. 2.5";
  return problems;
}
