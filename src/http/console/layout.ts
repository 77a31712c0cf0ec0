import type { ConsoleUser } from '../../console/users.ts';
import { type Html, html } from './html.ts';

export const CONSOLE_PREFIX = '/console';
const ASSETS = `${CONSOLE_PREFIX}/assets`;

/** What every signed-in page shows around its content. */
export interface PageFrame {
  user: ConsoleUser;
  csrfToken: string;
  /** Tickets waiting in triage: the navigation's count. */
  triageCount: number;
  /** Path of the page, to mark its navigation entry. */
  current: string;
}

const NAV: { path: string; label: string }[] = [
  { path: '/backlog', label: 'Backlog' },
  { path: '/triage', label: 'Triage' },
  { path: '/acceptance', label: 'Acceptance health' },
  { path: '/sprints', label: 'Sprints' },
  { path: '/activity', label: 'Activity' },
  { path: '/operations', label: 'Operations' },
];

function document(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · backlog-refinery</title>
<link rel="stylesheet" href="${ASSETS}/console.css">
<script src="${ASSETS}/console.js" defer></script>
</head>
${body}
</html>`;
}

export function layout(frame: PageFrame, title: string, content: Html): Html {
  const nav = NAV.map(({ path, label }) => {
    const href = `${CONSOLE_PREFIX}${path}`;
    const count =
      path === '/triage'
        ? html` <span class="count" aria-label="${frame.triageCount} waiting">${frame.triageCount}</span>`
        : '';
    return html`<li><a href="${href}"${frame.current === path ? html` aria-current="page"` : ''}>${label}</a>${count}</li>`;
  });
  return document(
    title,
    html`<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="${CONSOLE_PREFIX}/backlog">backlog-refinery</a>
<nav aria-label="Console"><ul>${nav}</ul></nav>
<form class="signout" method="post" action="${CONSOLE_PREFIX}/logout">
<span class="who">${frame.user.name} <span class="role">${frame.user.role}</span></span>
<input type="hidden" name="_csrf" value="${frame.csrfToken}">
<button type="submit">Sign out</button>
</form>
</header>
<main id="main">
<h1>${title}</h1>
${content}
</main>
</body>`,
  );
}

/** Pages shown to someone not signed in: sign-in, the console being off, errors before sign-in. */
export function barePage(title: string, content: Html): Html {
  return document(
    title,
    html`<body class="bare">
<main id="main">
<p class="brand">backlog-refinery</p>
<h1>${title}</h1>
${content}
</main>
</body>`,
  );
}

/** A hidden CSRF field and the button of a state-changing action. */
export function actionForm(
  frame: Pick<PageFrame, 'csrfToken'>,
  action: string,
  fields: Record<string, string>,
  button: Html,
): Html {
  const hidden = Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  return html`<form class="action" method="post" action="${action}"><input type="hidden" name="_csrf" value="${frame.csrfToken}">${hidden}${button}</form>`;
}
