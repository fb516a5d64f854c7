/** The comment and inbox routes (server/routes/comments.py), typed from the generated schema. */
import { request } from "../api/client";
import type { components } from "../api/generated/schema";

type S = components["schemas"];
export type CommentOut = S["CommentOut"];
export type CommentList = S["CommentList"];
export type CommentSaved = S["CommentSaved"];
export type MentionableUser = S["MentionableUser"];
export type NotificationOut = S["NotificationOut"];
export type NotificationList = S["NotificationList"];

export type CommentTarget = { kind: "report"; entity: string; project: string; reportId: string } | { kind: "run"; entity: string; project: string; runId: string };

const enc = encodeURIComponent;
const project = (t: { entity: string; project: string }): string => `/api/v1/comments/${enc(t.entity)}/${enc(t.project)}`;

function targetPath(t: CommentTarget): string {
  return t.kind === "run" ? `${project(t)}/runs/${enc(t.runId)}` : `${project(t)}/reports/${enc(t.reportId)}`;
}

/** The react-query key of a target's comments. */
export const commentsKey = (t: CommentTarget): unknown[] => ["comments", t.entity, t.project, t.kind, t.kind === "run" ? t.runId : t.reportId];
export const INBOX_KEY = ["notifications"];

export const commentsApi = {
  list: (t: CommentTarget): Promise<CommentList> => request("GET", targetPath(t)),
  create: (t: CommentTarget, body: { text: string; parent_id?: number | null; client_id: string }): Promise<CommentSaved> => request("POST", targetPath(t), body),
  edit: (t: CommentTarget, id: number, text: string): Promise<CommentSaved> => request("PATCH", `${project(t)}/${id}`, { text }),
  remove: (t: CommentTarget, id: number): Promise<void> => request("DELETE", `${project(t)}/${id}`),
  mentionable: (t: CommentTarget, prefix: string): Promise<{ users: MentionableUser[] }> => request("GET", `${project(t)}/mentionable?prefix=${enc(prefix)}`),
  inbox: (limit = 100): Promise<NotificationList> => request("GET", `/api/v1/me/notifications?limit=${limit}`),
  markRead: (ids: number[] | null): Promise<void> => request("POST", "/api/v1/me/notifications/read", { ids }),
};

/** The server's limit on a comment (schema/comments.py MAX_COMMENT_CHARS), counted as a markdown
 * note's length is (lib/panelTypes.ts noteLength: code points). */
export const MAX_COMMENT_CHARS = 8_000;
