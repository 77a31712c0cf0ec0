import type { Block, Doc, Inline } from '../../domain/doc.ts';
import { externalLink, type Html, html } from './html.ts';

function inlineHtml(content: Inline): Html {
  return html`${content.map((run) => {
    let out = html`${run.text}`;
    if (run.code) out = html`<code>${out}</code>`;
    if (run.italic) out = html`<em>${out}</em>`;
    if (run.bold) out = html`<strong>${out}</strong>`;
    return run.href ? externalLink(run.href, out) : out;
  })}`;
}

function blockHtml(block: Block): Html {
  switch (block.type) {
    case 'heading':
      // The page owns h1 and h2; a comment's headings sit below them.
      return html`<h3>${inlineHtml(block.content)}</h3>`;
    case 'paragraph':
      return html`<p>${inlineHtml(block.content)}</p>`;
    case 'bulletList':
      return html`<ul>${block.items.map((item) => html`<li>${inlineHtml(item)}</li>`)}</ul>`;
    case 'orderedList':
      return html`<ol>${block.items.map((item) => html`<li>${inlineHtml(item)}</li>`)}</ol>`;
    case 'table':
      return html`<table><thead><tr>${block.header.map((cell) => html`<th scope="col">${inlineHtml(cell)}</th>`)}</tr></thead><tbody>${block.rows.map(
        (row) => html`<tr>${row.map((cell) => html`<td>${inlineHtml(cell)}</td>`)}</tr>`,
      )}</tbody></table>`;
    case 'code':
      return html`<pre><code>${block.text}</code></pre>`;
    case 'rule':
      return html`<hr>`;
  }
}

/** A comment's document (the scorecard) as HTML: every run escaped, links only to http(s). */
export function docToHtml(document: Doc): Html {
  return html`<div class="doc">${document.blocks.map(blockHtml)}</div>`;
}
