// blessed's bundled terminfo files, imported `with { type: "file" }`: the import yields a path,
// which inside a compiled binary points into the embedded /$bunfs filesystem.
declare module "blessed/usr/*" {
  const path: string;
  export default path;
}
