#!/usr/bin/env node
// Lints .cypher files as Neo4j 5 Cypher with Neo4j's own parser and semantic
// analysis (@neo4j-cypher/language-support), offline.
//
//   node tests/cypher_lint/lint.mjs [--jobs N] FILE...
//
// Prints one JSON report on stdout, files in the order given:
//   {"linter": "...", "cypherVersion": "CYPHER 5", "checked": N, "problemCount": M,
//    "files": {"<path>": [{"line": 1, "column": 1, "severity": "error", "message": "..."}]},
//    "ignored": {"<path>": [...]}}
// Lines and columns are 1-based. Exit code: 0 when no file has a problem, 1 when
// any has, 2 on a usage error, 3 when the linter itself fails. Files are spread over --jobs worker threads
// (default: the number of cores, at most 4): the analysis costs ~0.1-0.5 s a query.
//
// Policy (graphfeed queries target Neo4j 5 and must stay valid on later 5.x):
// - every error is a problem; every warning is a problem too, which makes
//   deprecated and removed syntax, deprecated functions/procedures and
//   "relationship used twice" mistakes fail;
// - functions and procedures are checked against the lists the package bundles
//   (testData.mockSchema: Neo4j built-ins, APOC, GDS), so an unknown name fails;
// - "Parameter $x is not defined" is ignored: our queries take $params;
// - the performance hints in IGNORED_HINTS below are reported under "ignored" and
//   do not fail (`MATCH (a:User {id: $a}), (b:User {id: $b})` is a cartesian
//   product of two unique lookups, which is what we mean);
// - a file must hold exactly one statement.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

const CYPHER_VERSION = 'CYPHER 5';
const MAX_JOBS = 4;

const IGNORED_HINTS = [
  // Neo4j's notification for comma-separated, disconnected MATCH patterns.
  'If a part of a query contains multiple disconnected patterns, this will build a cartesian product',
];

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function problem(line, column, severity, message) {
  return { line, column, severity, message };
}

// --- worker: lints one file per message ---------------------------------------------------

async function worker() {
  const { isNotParamError, lintCypherQuery, parseStatementsStrs, testData } = await import(
    '@neo4j-cypher/language-support'
  );
  const dbSchema = {
    functions: testData.mockSchema.functions,
    procedures: testData.mockSchema.procedures,
    defaultLanguage: CYPHER_VERSION,
  };

  function lintText(text) {
    const problems = [];
    const ignored = [];
    const statements = parseStatementsStrs(text);
    if (statements.length === 0) {
      problems.push(problem(1, 1, 'error', 'the file holds no Cypher statement'));
      return { problems, ignored };
    }
    if (statements.length > 1) {
      problems.push(
        problem(1, 1, 'error', `the file holds ${statements.length} statements: keep one per file`),
      );
    }
    const { diagnostics } = lintCypherQuery(text, dbSchema, { consoleCommandsEnabled: false });
    for (const d of diagnostics) {
      if (!isNotParamError(d)) continue;
      const entry = problem(
        d.range.start.line + 1,
        d.range.start.character + 1,
        SEVERITY[d.severity] ?? String(d.severity),
        d.message,
      );
      if (IGNORED_HINTS.some((hint) => d.message.startsWith(hint))) {
        ignored.push(entry);
      } else {
        problems.push(entry);
      }
    }
    return { problems, ignored };
  }

  parentPort.on('message', (path) => {
    let result;
    try {
      const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
      result = { path, checked: true, ...lintText(text) };
    } catch (e) {
      const message = e.code ? `cannot read the file: ${e.message}` : `linter crashed: ${e.stack}`;
      result = { path, checked: false, problems: [problem(1, 1, 'error', message)], ignored: [] };
    }
    parentPort.postMessage(result);
  });
  parentPort.postMessage('ready');
}

// --- main thread: hands files to workers, prints the report -------------------------------

function linterVersion() {
  const url = new URL('./node_modules/@neo4j-cypher/language-support/package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8'));
  return `${pkg.name}@${pkg.version}`;
}

function parseArgs(argv) {
  let jobs = Math.min(availableParallelism(), MAX_JOBS);
  const paths = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-h' || argv[i] === '--help') return null;
    if (argv[i] === '--jobs') {
      jobs = Number(argv[++i]);
      if (!Number.isInteger(jobs) || jobs < 1) return null;
    } else {
      paths.push(argv[i]);
    }
  }
  return paths.length > 0 ? { jobs, paths } : null;
}

function lintAll(paths, jobs) {
  return new Promise((resolve, reject) => {
    const results = new Map();
    const queue = [...new Set(paths)];
    const workers = [];
    let pending = queue.length;
    const next = (w) => {
      if (queue.length > 0) w.postMessage(queue.shift());
      else w.terminate();
    };
    for (let i = 0; i < Math.min(jobs, queue.length); i++) {
      const w = new Worker(new URL(import.meta.url));
      workers.push(w);
      w.on('message', (msg) => {
        if (msg !== 'ready') {
          results.set(msg.path, msg);
          pending -= 1;
          if (pending === 0) resolve(results);
        }
        next(w);
      });
      w.on('error', (e) => {
        workers.forEach((other) => other.terminate());
        reject(e);
      });
    }
  });
}

async function main(argv) {
  const args = parseArgs(argv);
  if (args === null) {
    process.stderr.write('usage: node lint.mjs [--jobs N] FILE.cypher...\n');
    return 2;
  }
  let results;
  try {
    results = await lintAll(args.paths, args.jobs);
  } catch (e) {
    process.stderr.write(`lint.mjs: a worker failed: ${e.stack ?? e}\n`);
    return 3;
  }
  const report = {
    linter: linterVersion(),
    cypherVersion: CYPHER_VERSION,
    checked: 0,
    problemCount: 0,
    files: {},
    ignored: {},
  };
  for (const path of args.paths) {
    const { checked, problems, ignored } = results.get(path);
    if (path in report.files) continue;
    report.checked += checked ? 1 : 0;
    report.problemCount += problems.length;
    report.files[path] = problems;
    if (ignored.length > 0) report.ignored[path] = ignored;
  }
  process.stdout.write(JSON.stringify(report, null, 1) + '\n');
  return report.problemCount > 0 ? 1 : 0;
}

if (isMainThread) {
  process.exitCode = await main(process.argv.slice(2));
} else {
  await worker();
}
