import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import cases from "../../../tests/cases/mentions.json";
import MarkdownNote from "../components/panelTypes/MarkdownNote";
import { insertMention, mentionAt, mentionNames, remarkMentions } from "./mentions";

describe("mention names, the cases the server's test runs too (tests/cases/mentions.json)", () => {
  for (const c of cases.cases) {
    it(c.name, () => {
      expect(mentionNames(c.text)).toEqual(c.names);
    });
  }
});

describe("the autocomplete's @name at the caret", () => {
  it("finds the partial name being typed, also an empty one right after @", () => {
    expect(mentionAt("hi @bo", 6)).toEqual({ start: 3, prefix: "bo" });
    expect(mentionAt("hi @", 4)).toEqual({ start: 3, prefix: "" });
    expect(mentionAt("mail ada@ex", 11)).toBeNull();
    expect(mentionAt("@bob done", 9)).toBeNull();
  });

  it("replaces it with the chosen name and a space, keeping the text after the caret", () => {
    expect(insertMention("hi @bo, see", 6, "bob")).toEqual({ text: "hi @bob , see", caret: 8 });
  });
});

describe("highlighting resolved mentions in rendered markdown", () => {
  const render = (text: string, resolved: string[]): string =>
    renderToStaticMarkup(createElement(MarkdownNote, { text, remarkPlugins: [remarkMentions(resolved)] }));

  it("marks only the names the server resolved, never inside code or links", () => {
    const html = render("@bob and @out look at `@bob` and [@bob](https://x.org)", ["bob"]);
    expect(html).toContain('<span class="mention">@bob</span> and @out');
    expect(html).toContain("<code>@bob</code>");
    expect(html).toContain('<a href="https://x.org" target="_blank" rel="noopener noreferrer nofollow">@bob</a>');
  });

  it("leaves raw HTML as text", () => {
    const html = render('<img src=x onerror="alert(1)"> @bob', ["bob"]);
    expect(html).not.toContain("<img");
    expect(html).toContain('<span class="mention">@bob</span>');
  });
});
