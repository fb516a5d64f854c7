// The note renderer keeps hostile text inert: raw HTML shows as text, `javascript:` links lose their
// URL, and links open in a new tab without a handle on the app.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { expect, it } from "vitest";
import MarkdownNote from "./MarkdownNote";

const render = (text: string): string => renderToStaticMarkup(createElement(MarkdownNote, { text }));

it("renders GitHub-flavoured Markdown", () => {
  const html = render("# Plan\n\n| lr | acc |\n|---|---|\n| 0.1 | **0.9** |\n\n- [x] sweep\n\n~~old~~");
  expect(html).toContain("<h1>Plan</h1>");
  expect(html).toContain("<td><strong>0.9</strong></td>");
  expect(html).toContain('type="checkbox"');
  expect(html).toContain("<del>old</del>");
});

it("shows raw HTML as text, never as elements", () => {
  const html = render('<script>window.pwned=1</script>\n\nhi <img src=x onerror="window.pwned=1"> <iframe src="https://evil.example"></iframe>');
  expect(html).not.toMatch(/<script|<img|<iframe/i);
  expect(html).toContain("&lt;script&gt;window.pwned=1&lt;/script&gt;");
  expect(html).toContain("&lt;img src=x onerror=");
});

it("drops javascript: URLs and opens links safely", () => {
  const html = render('[click](javascript:alert(1)) [docs](https://example.com/a "Docs") ![x](javascript:alert(2))');
  expect(html).not.toContain("javascript:");
  expect(html).toContain('<a href="https://example.com/a" title="Docs" target="_blank" rel="noopener noreferrer nofollow">docs</a>');
});
