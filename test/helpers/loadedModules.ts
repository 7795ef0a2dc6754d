/**
 * Which modules a run of the CLI loads, and from which packages: pass
 * LOAD_WATCH to Node's --import and read loadedModules(stderr). A bundle
 * chunk's packages are the node_modules sources its source map names.
 */
export const LOAD_WATCH = 'data:text/javascript,' + [
  "import{registerHooks}from'node:module';import{readFileSync}from'node:fs';",
  'registerHooks({load(u,c,n){const r=n(u,c);let s=[];',
  "try{if(u.startsWith('file:'))s=JSON.parse(readFileSync(new URL(u+'.map'),'utf8')).sources}catch{}",
  "process.stderr.write('LOADED '+[u,...s].join(' ')+'\\n');return r}})",
].join('');

export interface LoadedModule {
  readonly url: string;
  /** Packages under node_modules the module is, or holds (`cwl-ts-auto`, `@kubernetes/client-node`). */
  readonly packages: ReadonlySet<string>;
}

export function loadedModules(stderr: string): LoadedModule[] {
  return stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((line) => {
    const [url, ...sources] = line.slice('LOADED '.length).split(' ');
    const packages = new Set([url!, ...sources].flatMap((s) => [...s.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]!)));
    return { url: url!, packages };
  });
}
