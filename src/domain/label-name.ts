import Type from 'typebox';

/**
 * A label the service writes. Jira refuses labels with whitespace or over 255 characters (400), so the rules
 * refuse them when loaded instead of every write failing later.
 */
export const LabelName = (defaultValue?: string) =>
  Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^\\S+$',
    description: 'One word: Jira labels cannot contain spaces (use a dash)',
    ...(defaultValue !== undefined && { default: defaultValue }),
  });
