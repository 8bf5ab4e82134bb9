/**
 * How one list input is read. The inputs that docker/build-push-action (src/context.ts) and
 * docker/setup-buildx-action share with this action are read the way their Util.getInputList reads them, so a
 * `with:` block moved over means the same entries; this action's own lists keep their line-by-line reading.
 */
export interface ListRule {
  /** 'csv': the whole value is one CSV text (a quoted field may span lines); 'lines': one line at a time. */
  reading: 'csv' | 'lines'
  /** Commas separate entries (getInputList without ignoreComma); false joins a line's fields back with ",". */
  commas: boolean
  /** Double quotes group text; false keeps them as written (quote: false), for values that buildx reads as CSV. */
  quotes: boolean
  /** Entries are trimmed; secrets keep their whitespace (trimWhitespace: false), e.g. a PEM key's last newline. */
  trim: boolean
}
