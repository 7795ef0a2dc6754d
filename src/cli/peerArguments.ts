import { ENGINE_OPTIONS, takesValue } from './options.js';
import { peerOption } from './peerOptions.js';

/** The engine arguments with the peers' options sorted out, or the one line that ends the command line. */
export type PeerReading =
  | {
    readonly kind: 'read';
    /** What yargs reads: bespin's own options, short aliases spelt long (`-w` → `--write-summary`). */
    readonly engine: readonly string[];
    /** One warning (without its `WARNING` level) per accepted-ignored option given. */
    readonly warnings: readonly string[];
    /** Honoured peer flags that are not bespin options (`print-targets`), as option values. */
    readonly flags: Readonly<Record<string, true>>;
  }
  | { readonly kind: 'exit'; readonly code: number; readonly line: string };

/**
 * Reads the engine arguments as cwltool and Calrissian would take them (see
 * peerOptions.ts): a peer option bespin cannot honour is refused (exit 33) or
 * dropped with a warning; a flag neither bespin nor its peers know is one
 * line, exit 2, rather than yargs' whole help.
 */
export function readPeerArguments(args: readonly string[]): PeerReading {
  const engine: string[] = [];
  const warnings: string[] = [];
  const flags: Record<string, true> = {};
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    const name = token.replace(/^--?/, '').split('=')[0]!;
    if (!token.startsWith('-') || name === 'help' || name === 'version' || Object.hasOwn(ENGINE_OPTIONS, name) && token.startsWith('--')) {
      engine.push(token);
      if (token.startsWith('-') && takesValue(token) && i + 1 < args.length) engine.push(args[++i]!);
      continue;
    }
    const peer = peerOption(token);
    if (!peer) return { kind: 'exit', code: 2, line: `bespin: error: unrecognized option ${token.split('=')[0]}; see bespin --help` };
    if (peer.treatment === 'unsupported') return { kind: 'exit', code: 33, line: `ERROR --${peer.name} is not supported: ${peer.note}` };
    const long = `--${peer.name}`;
    const hasValue = peer.value === 'required' && !token.includes('=') && i + 1 < args.length;
    if (peer.treatment === 'accepted-ignored') {
      warnings.push(`${long} is ignored: ${peer.note}`);
      if (hasValue) i++;
    } else if (Object.hasOwn(ENGINE_OPTIONS, peer.name) || peer.name === 'help' || peer.name === 'version') {
      // A short alias of a bespin option: spelt long for yargs.
      engine.push(token === peer.short ? long : token);
      if (hasValue) engine.push(args[++i]!);
    } else {
      flags[peer.name] = true;
    }
  }
  return { kind: 'read', engine, warnings, flags };
}
