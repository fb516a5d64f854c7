/**
 * A note's Markdown, rendered (GitHub flavour: tables, task lists, strikethrough, autolinks). Loaded
 * on demand, so the workspace's first charts do not wait for the Markdown parser.
 *
 * Safe for hostile text: react-markdown builds React elements, never HTML strings, so raw HTML in a
 * note (`<script>`, `<img onerror>`) is shown as text and cannot run; link and image URLs pass its
 * default filter (http, https, mailto, ...: no `javascript:`). Links open in a new tab without
 * giving that page a handle on this one, images load lazily without sending where they are shown.
 */
import Markdown, { type Components, type Options } from "react-markdown";
import remarkGfm from "remark-gfm";

const components: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer nofollow" />,
  img: ({ node: _node, ...props }) => <img {...props} loading="lazy" referrerPolicy="no-referrer" />,
};

/** `remarkPlugins`: more syntax on top of GitHub's (comments mark resolved @mentions with one). */
export default function MarkdownNote({ text, remarkPlugins = [] }: { text: string; remarkPlugins?: NonNullable<Options["remarkPlugins"]> }): React.JSX.Element {
  return (
    <Markdown remarkPlugins={[remarkGfm, ...remarkPlugins]} components={components}>
      {text}
    </Markdown>
  );
}
