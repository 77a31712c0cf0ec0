import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Bug' });
const names = (description: string) =>
  checkItem({ title: 'Pay button', description }, template).findings.map((f) => f.name);

describe('bug reports an earlier version misread', () => {
  it.each([
    ['no punctuation after the number', 'Step 1 open the cart\nStep 2 add an item'],
    ['a dot after the number', 'Step 1. Open the cart\nStep 2. Add an item'],
    ['no blank after "Step"', 'Step1 open the cart\nStep2 add an item'],
  ])('steps written "Step 1 …" with %s are steps to reproduce', (_label, steps) => {
    expect(names(`${steps}\nNothing happens.\nIt should show a receipt.\nChrome 126`)).toEqual([]);
  });

  it('"Step 1 …" lines that state no action are not steps', () => {
    expect(
      names(
        'Step 1 the cart is full\nStep 2 the total is 9\nNothing happens.\nIt should show a receipt.\nChrome 126',
      ),
    ).toEqual(['missing-steps-to-reproduce']);
  });

  it.each([
    ['a last line', '1. Open the cart\n2. Click Pay\nNothing happens.\nIt should show a receipt.\nVersion 3'],
    [
      'a line in prose',
      '1. Open the cart\n2. Click Pay\nVersion 3\nNothing happens.\nIt should show a receipt.',
    ],
    [
      'a build number',
      '1. Open the cart\n2. Click Pay\nNothing happens.\nIt should show a receipt.\nBuild identifier 20240601',
    ],
  ])(
    'a bare "Version 3" as %s is the environment, not an empty Environment heading',
    (_label, description) => {
      expect(names(description)).toEqual([]);
    },
  );
});
