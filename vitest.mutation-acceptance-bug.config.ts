import { defineConfig } from 'vitest/config';
import acceptance from './vitest.mutation-acceptance.config.ts';

// The tests that judge mutants of src/domain/acceptance/bug-content.ts: the files that check items against a
// template with content sections (the shipped Bug template). The story, criteria, markup and scenario tests use
// only the story template, whose sections read no bug content, so they cannot tell a mutant of bug-content.ts
// apart; they only made each of its many static mutants (its module-level patterns) rerun them.
export default defineConfig({
  test: {
    ...acceptance.test,
    include: [
      'test/domain/acceptance/bug*.test.ts',
      'test/domain/acceptance/defaults.test.ts',
      'test/domain/acceptance/render.test.ts',
      'test/domain/acceptance/rules.test.ts',
      'test/domain/acceptance/sections.test.ts',
      'test/domain/acceptance/status-comment.test.ts',
    ],
  },
});
