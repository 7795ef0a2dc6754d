/** `out.tar.gz` → nameroot `out.tar`, nameext `.gz`; a leading dot is part of the root. */
export function splitName(basename: string): { nameroot: string; nameext: string } {
  const dot = basename.lastIndexOf('.');
  if (dot <= 0) return { nameroot: basename, nameext: '' };
  return { nameroot: basename.slice(0, dot), nameext: basename.slice(dot) };
}
