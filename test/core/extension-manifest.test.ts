// The manifest and the bundled extension agree: activate() (dist/extension.js, with a recording
// stand-in for the 'vscode' module) registers every contributed command and view, and no others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths';

interface Manifest {
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string } };
  contributes: {
    commands: { command: string; category: string }[];
    views: Record<string, { id: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}

const root = packageRoot();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

/** Any property is a callable that returns another such stand-in; records registrations. */
function fakeVscode(registered: { commands: string[]; views: string[] }): unknown {
  const anything: unknown = new Proxy(function () {}, {
    get: (_t, key) => (key === 'then' ? undefined : anything),
    // Writes (item.name = ...) are accepted and forgotten.
    set: () => true,
    apply: () => anything,
    construct: () => anything as object,
  });
  const commands = {
    registerCommand: (id: string) => {
      registered.commands.push(id);
      return anything;
    },
    // setContext and friends: accepted and forgotten.
    executeCommand: () => Promise.resolve(undefined),
  };
  const window = new Proxy(
    {
      registerTreeDataProvider: (id: string) => {
        registered.views.push(id);
        return anything;
      },
      createTreeView: (id: string) => {
        registered.views.push(id);
        return anything;
      },
    },
    { get: (t, key) => (key in t ? t[key as keyof typeof t] : anything) },
  );
  // esbuild's interop copies the module's own keys, so every name the extension uses is listed.
  const names = [
    'workspace',
    'languages',
    'DiagnosticSeverity',
    'Diagnostic',
    'EventEmitter',
    'TreeItem',
    'TreeItemCollapsibleState',
    'ThemeIcon',
    'Uri',
    'Position',
    'Range',
    'Selection',
    'ProgressLocation',
    'TextEditorRevealType',
    'Disposable',
    'ThemeColor',
    'MarkdownString',
    'TabInputText',
    'TabInputTextDiff',
    'StatusBarAlignment',
    'ViewColumn',
    'ExtensionMode',
    'CodeActionKind',
    'CodeAction',
    'WorkspaceEdit',
  ];
  return { ...Object.fromEntries(names.map((n) => [n, anything])), commands, window };
}

void test('activate registers exactly the contributed commands and views', () => {
  const bundle = join(root, 'dist', 'extension.js');
  assert.ok(existsSync(bundle), 'dist/extension.js is missing: run `npm run build`');
  const registered = { commands: [] as string[], views: [] as string[] };
  const stub = fakeVscode(registered);
  const mod = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const load = mod._load;
  mod._load = (req, ...rest) => (req === 'vscode' ? stub : load(req, ...rest));
  try {
    const ext = Module.createRequire(__filename)(bundle) as { activate: (ctx: unknown) => void };
    // extensionMode 1 = Production: the test-only probe command is not registered.
    ext.activate({ subscriptions: [], extensionMode: 1 });
  } finally {
    mod._load = load;
  }
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual([...registered.commands].sort(), contributed);
  const views = Object.values(manifest.contributes.views).flatMap((v) => v.map((x) => x.id));
  assert.deepEqual(registered.views.sort(), views.sort());
});

void test('the manifest: category, activity-bar icon, settings, limited untrusted support', () => {
  const c = manifest.contributes;
  assert.ok(c.commands.every((x) => x.category === 'Blocksmith'));
  for (const v of c.viewsContainers.activitybar) {
    assert.ok(existsSync(join(root, v.icon)), `icon ${v.icon} exists`);
  }
  const settings = Object.keys(c.configuration.properties);
  for (const key of [
    'ladder.rung',
    'train.backend',
    'verify.timeoutSeconds',
    'verify.memoryMb',
    'llm.baseUrl',
    'llm.model.proposer',
    'llm.model.reviewer',
    'llm.model.coder',
    'llm.model.observer',
    'evolve.autoApprove',
    'evolve.maxDesigns',
  ]) {
    assert.ok(settings.includes(`blocksmith.${key}`), `setting blocksmith.${key}`);
  }
  // blocksmith.llm.maxTokens is a budget (a count of tokens), not a credential
  assert.ok(
    !settings.some((k) => /key|token|secret/i.test(k.replace(/\.maxTokens$/, ''))),
    'no secret in settings',
  );
  assert.equal(c.configuration.properties['blocksmith.evolve.autoApprove'].default, false);
  assert.equal(c.configuration.properties['blocksmith.ladder.rung'].default, '50k');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
});
