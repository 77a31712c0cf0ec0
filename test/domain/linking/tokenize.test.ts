import { describe, expect, it } from 'vitest';
import { stem } from '../../../src/domain/linking/stem.ts';
import { tokenize, tokenizeText } from '../../../src/domain/linking/tokenize.ts';

describe('tokenizeText', () => {
  it.each([
    [
      'camelCase identifiers keep the whole and the parts',
      'getBeanNamesForType',
      ['bean', 'nam', 'typ'],
      ['getbeannamesfortype'],
    ],
    [
      'acronyms split before the next word',
      'HTTPServerError',
      ['http', 'server', 'error'],
      ['httpservererror'],
    ],
    ['snake_case splits on underscores', 'max_retry_count', ['max', 'retry', 'count'], ['max_retry_count']],
    [
      'dotted class names keep the full name and each part',
      'org.apache.hadoop.hive.ql.exec.MapOperator',
      ['org', 'apach', 'hadoop', 'map', 'operator'],
      ['org.apache.hadoop.hive.ql.exec.mapoperator', 'mapoperator'],
    ],
    ['versions stay whole', 'fails on 0.13.1', ['fail'], ['0.13.1']],
    [
      'exception names are whole terms',
      'java.lang.NullPointerException thrown',
      ['null', 'pointer', 'exception', 'thrown'],
      ['java.lang.nullpointerexception', 'nullpointerexception'],
    ],
  ])('%s', (_, text, someWords, someWholes) => {
    const tokens = tokenizeText(text);
    expect(tokens.words).toEqual(expect.arrayContaining(someWords));
    expect(tokens.wholes).toEqual(expect.arrayContaining(someWholes));
  });

  it('drops stop words, wiki markup words and single characters', () => {
    expect(tokenize('The {code} of a x and the {noformat}')).toEqual([]);
  });

  it('folds case and accents and keeps non-Latin words', () => {
    expect(tokenize('Café NAÏVE Größe 日本語')).toEqual(['caf', 'naiv', 'große', '日本語']);
  });

  it('does not emit version parts as words', () => {
    expect(tokenizeText('1.2.3').words).toEqual([]);
  });

  it('records readable spellings for stemmed words when asked', () => {
    expect(tokenizeText('Queries failing', true).surfaces).toEqual(
      new Map([
        ['query', 'queries'],
        ['fail', 'failing'],
      ]),
    );
  });
});

describe('stem', () => {
  it.each([
    ['timeouts', 'timeout'],
    ['queries', 'query'],
    ['failing', 'fail'],
    ['failed', 'fail'],
    ['running', 'run'],
    ['processes', 'process'],
    ['status', 'status'],
    ['class', 'class'],
    ['creates', 'creat'],
    ['created', 'creat'],
    ['log4j', 'log4j'],
  ])('%s -> %s', (word, expected) => {
    expect(stem(word)).toBe(expected);
  });
});

describe('stem: which spellings of a word match each other', () => {
  it.each([
    ['plurals in -ies of longer words', ['studies', 'study'], 'study'],
    ['plurals in -sses', ['passes', 'pass'], 'pass'],
    ['plurals in -xes', ['boxes', 'box'], 'box'],
    ['plurals in -ches', ['matches', 'match'], 'match'],
    ['plurals in -shes', ['crashes', 'crash'], 'crash'],
    ['plurals in -zes', ['buzzes', 'buzz'], 'buzz'],
    ['a plural in -ses of a word in -s', ['buses', 'bus'], 'bus'],
    ['-ing with a doubled consonant', ['stopping', 'stopped', 'stop'], 'stop'],
    ['-ing keeps a double l', ['installing', 'installed', 'install'], 'install'],
    ['-ing keeps a double s', ['missing', 'missed', 'miss'], 'miss'],
    ['-ed', ['needed', 'need'], 'need'],
    ['-ly', ['slowly', 'slow'], 'slow'],
    ['a final e', ['create', 'creates', 'created', 'creating'], 'creat'],
  ])('%s', (_name, words, expected) => {
    expect(words.map(stem)).toEqual(words.map(() => expected));
  });

  it.each([
    ['a four-letter word in -ies', 'ties', 'tie'],
    ['a short stem before -ing', 'going', 'going'],
    ['a stem without a vowel before -ing', 'string', 'string'],
    ['a stem without a vowel before -ed', 'shred', 'shred'],
    ['a word in -eed', 'agreed', 'agreed'],
    ['a three-letter stem left after -ing', 'adding', 'add'],
    ['a short stem before -ly', 'early', 'early'],
    ['a word in -ee', 'free', 'free'],
    ['-s after a vowel and s', 'analysis', 'analysis'],
    ['a word with capitals (an identifier as typed)', 'Errors', 'Errors'],
    ['a word of three letters', 'ads', 'ads'],
  ])('keeps %s: %s -> %s', (_name, word, expected) => {
    expect(stem(word)).toBe(expected);
  });
});

describe('tokenizeText: identifiers', () => {
  it.each([
    ['a dollar sign splits like an underscore', 'Outer$Inner', ['outer', 'inner'], ['outer$inner']],
    ['a two-letter compound is not kept whole', 'aB', [], []],
    ['stop words and single letters inside identifiers are dropped', 'readTheX', ['read'], ['readthex']],
    ['digits split off', 'log4j', ['log'], ['log4j']],
    ['numbers of two digits or more are words', 'Error404', ['error', '404'], ['error404']],
    ['a leading underscore does not make a compound', '_private', ['privat'], []],
    ['a version is one whole, not words', 'v 10.20.30', [], ['10.20.30']],
    ['accents are stripped from a text without any ASCII character', 'ÉÉ', ['ee'], []],
  ])('%s', (_name, text, words, wholes) => {
    expect(tokenizeText(text)).toEqual({ words, wholes });
  });

  it('lists words before compound identifiers', () => {
    expect(tokenize('NullPointer thrown')).toEqual(['null', 'pointer', 'thrown', 'nullpointer']);
  });

  it('remembers the first spelling of each stemmed word', () => {
    expect(tokenizeText('Failed failing FAIL', true).surfaces).toEqual(new Map([['fail', 'failed']]));
  });
});
