//! JSON inputs: flattening nested objects into dotted keys, and splitting a
//! JSON array (or pretty-printed objects) into one value at a time.
//!
//! Zendesk's own JSON export nests values (`"via": {"channel": "email"}`,
//! `"satisfaction_rating": {"score": "good"}`, `"metric_set":
//! {"reply_time_in_minutes": {"calendar": 30}}`) and writes lists as arrays
//! (`"tags": ["a", "b"]`). Each object is flattened to leaf keys joined with
//! `.` (`via.channel`, `metric_set.reply_time_in_minutes.calendar`), so the
//! rest of ingest sees flat columns and `--map` can name a dotted path.

use serde_json::{Map, Value};
use std::io::BufRead;

/// Separator written between the items of a list cell (a JSON array of
/// scalars); `parse_tags` splits on it.
pub(crate) const LIST_SEP: &str = ", ";

/// A flattened object: dotted leaf key → leaf value (scalars, null, arrays).
pub(crate) type Flat = Map<String, Value>;

/// Flatten nested objects into dotted keys; arrays stay leaves. An empty
/// object becomes a null leaf so its key still exists, and a rich-text
/// document (Atlassian Document Format, what Jira Cloud's REST API v3 returns
/// for `description` and comment bodies) becomes its plain text.
pub(crate) fn flatten(obj: Map<String, Value>) -> Flat {
    let mut out = Map::new();
    flatten_into(&mut out, None, obj);
    formatted_values(&mut out);
    out
}

/// OData's formatted values (Dynamics 365's Web API with
/// `odata.include-annotations`): `"statecode": 1` beside
/// `"statecode@OData.Community.Display.V1.FormattedValue": "Resolved"`. A
/// code reads as its label, as ServiceNow's display values do: a flag, or
/// a whole number under a key Dynamics names `…code` (option sets:
/// `statecode`, `prioritycode`, `caseorigincode`). Anything else keeps its
/// raw value: a quantity's label is the number in the user's locale
/// (`1.500`), a date's is in the user's format, a lookup's is a name where
/// the raw value is the id.
fn formatted_values(out: &mut Flat) {
    const SUFFIX: &str = "@OData.Community.Display.V1.FormattedValue";
    if !out.keys().any(|k| k.ends_with(SUFFIX)) {
        return;
    }
    let labels: Vec<(String, Value)> = out
        .iter()
        .filter_map(|(k, v)| Some((k.strip_suffix(SUFFIX)?.to_string(), v.clone())))
        .collect();
    for (base, label) in labels {
        out.remove(&format!("{base}{SUFFIX}"));
        let code = base.to_ascii_lowercase().ends_with("code");
        if let Some(v) = out.get_mut(&base) {
            if v.is_boolean() || (code && (v.is_i64() || v.is_u64())) {
                *v = label;
            }
        }
    }
}

fn flatten_into(out: &mut Flat, prefix: Option<&str>, obj: Map<String, Value>) {
    for (k, v) in obj {
        let key = match prefix {
            Some(p) => format!("{p}.{k}"),
            None => k,
        };
        match v {
            Value::Object(mut m) => {
                if let Some(k) = reference_key(&m) {
                    out.insert(key, m.remove(k).unwrap_or_default());
                } else if is_adf(&m) {
                    let mut text = String::new();
                    adf_text(&Value::Object(m), &mut text);
                    out.insert(key, Value::String(text.trim().to_string()));
                } else if m.is_empty() {
                    out.insert(key, Value::Null);
                } else {
                    flatten_into(out, Some(&key), m);
                }
            }
            other => {
                out.insert(key, other);
            }
        }
    }
}

/// ServiceNow's Table API writes a field as `{"display_value": …, "value":
/// …}` with `sysparm_display_value=all` and a reference as `{"link": …,
/// "value": …}` without it. A date-time's `value` is UTC in one format
/// (`2024-03-01 09:00:00`) while its display value is in the reading user's
/// zone and date format, so a date-time reads as its value; anything else
/// (a reference's name, a choice's label, a duration, which ServiceNow
/// stores as a date in January 1970) as its display value; a bare
/// reference as the referenced record's id. Returns the key to read.
fn reference_key(m: &Map<String, Value>) -> Option<&'static str> {
    let keys = |want: &[&str]| m.len() == want.len() && want.iter().all(|k| m.contains_key(*k));
    if keys(&["display_value", "value"]) || keys(&["display_value", "value", "link"]) {
        let utc_time = m["value"].as_str().is_some_and(|v| {
            let b = v.as_bytes();
            b.len() == 19
                && b[..4].iter().all(u8::is_ascii_digit)
                && b[4] == b'-'
                && b[10] == b' '
                && !v.starts_with("1970-01-")
        });
        return Some(if utc_time { "value" } else { "display_value" });
    }
    keys(&["link", "value"]).then_some("value")
}

/// Whether an object is an Atlassian Document Format document:
/// `{"type": "doc", "version": 1, "content": [...]}`.
fn is_adf(m: &Map<String, Value>) -> bool {
    m.get("type").and_then(Value::as_str) == Some("doc")
        && m.get("version").is_some_and(Value::is_number)
        && m.get("content").is_some_and(Value::is_array)
}

/// Append an ADF node's plain text to `out`: text nodes as written, a
/// mention, emoji, date or link card by its text (or URL), a hard break or
/// the end of a block (paragraph, heading, list item, code block, table
/// cell…) as a line break; other nodes by their children's text. The node types are Atlassian's
/// (developer.atlassian.com, "Atlassian Document Format"); marks (bold,
/// links) only style text and are dropped.
fn adf_text(node: &Value, out: &mut String) {
    let attr = |k: &str| {
        node.get("attrs")
            .and_then(|a| a.get(k))
            .and_then(Value::as_str)
    };
    match node.get("type").and_then(Value::as_str).unwrap_or_default() {
        "text" => out.push_str(node.get("text").and_then(Value::as_str).unwrap_or_default()),
        "hardBreak" => out.push('\n'),
        "mention" | "emoji" | "status" => out.push_str(attr("text").unwrap_or_default()),
        "inlineCard" | "blockCard" | "embedCard" => out.push_str(attr("url").unwrap_or_default()),
        kind => {
            for child in node
                .get("content")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                adf_text(child, out);
            }
            let block = matches!(
                kind,
                "paragraph"
                    | "heading"
                    | "blockquote"
                    | "codeBlock"
                    | "listItem"
                    | "panel"
                    | "expand"
                    | "nestedExpand"
                    | "tableCell"
                    | "tableHeader"
                    | "taskItem"
                    | "decisionItem"
                    | "rule"
            );
            if block && !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
        }
    }
}

/// A leaf as a cell: strings as-is, null as empty, numbers and booleans as
/// JSON text, an array of scalars as a list (items joined with [`LIST_SEP`]),
/// any other array as JSON text.
pub(crate) fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => items
            .iter()
            .filter(|i| !i.is_null())
            .map(|i| match i {
                Value::String(s) => s.trim().to_string(),
                other => other.to_string(),
            })
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(LIST_SEP),
        // Tags as objects (Help Scout's `[{"id": 1, "tag": "billing"}]`,
        // Freshservice's `{"name": …}`): the list of their names.
        Value::Array(items) if items.iter().all(|i| named_item(i).is_some()) => items
            .iter()
            .filter_map(named_item)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(LIST_SEP),
        other => other.to_string(),
    }
}

/// The name of a list item that is an object naming one thing: its `tag`,
/// `name` or `label` string.
fn named_item(v: &Value) -> Option<&str> {
    let Value::Object(m) = v else { return None };
    ["tag", "name", "label"]
        .iter()
        .find_map(|k| m.get(*k).and_then(Value::as_str))
}

/// The leaf keys under `path` in a flattened object (`path` names an object).
pub(crate) fn children<'a>(flat: &'a Flat, path: &str) -> Vec<&'a str> {
    let prefix = format!("{path}.");
    flat.keys()
        .filter(|k| k.starts_with(&prefix))
        .map(String::as_str)
        .collect()
}

/// How a JSON text is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One object per line (JSONL): a bad line is rejected, the rest read.
    Lines,
    /// A top-level array of objects (possibly inside a one-key wrapper such
    /// as `{"tickets": [...]}`, whose opening has been skipped).
    Array,
    /// Objects one after another, each spanning lines (pretty-printed).
    Concatenated,
}

/// What the start of a JSON text says about an API page: an object one of
/// whose members holds the array of records.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Opening {
    /// The records array is at `path` (one key, or `_embedded` and a key
    /// for HAL pages such as Help Scout's); `open` is the byte after its
    /// `[`; `others` are the page's other keys seen in the text (the ones
    /// before the records, and after them where the array ends in the
    /// text); `whole`: the array ends within the text.
    Page {
        path: Vec<String>,
        open: usize,
        others: Vec<String>,
        whole: bool,
    },
    /// Not a page: not an object, or an object with no records array.
    NotPage,
    /// The text ends before the records array was found.
    Unknown,
}

/// HAL's member for embedded resources (`{"_embedded": {"conversations":
/// […]}, "page": {…}}`, Help Scout): the one nested object searched for the
/// records; any other nested object is a page's metadata.
const EMBEDDED: &str = "_embedded";

/// Find the records array of an API page in `text`: the first member named
/// by `is_page_key` that holds an array of objects (or an empty one), after
/// any number of metadata members (Salesforce's `{"totalSize": 2, "done":
/// true, "records": […]}`, Jira's `{"expand": …, "startAt": 0, "issues":
/// […]}`, Intercom's `{"type": "conversation.list", "pages": {…},
/// "conversations": […]}`). A member is skipped without parsing it
/// (strings and brackets are tracked), so the text may stop anywhere.
pub(crate) fn page_opening(text: &[u8], is_page_key: &dyn Fn(&str) -> bool) -> Opening {
    let mut i = skip_ws(text, 0);
    if text.get(i) != Some(&b'{') {
        return Opening::NotPage;
    }
    i += 1;
    // The records' path and the byte after their `[`, once found.
    let mut found: Option<(Vec<String>, usize)> = None;
    let mut whole = false;
    let mut others = Vec::new();
    // The text stopped: a page if its records were seen.
    let stop = |found: Option<(Vec<String>, usize)>, others, whole| match found {
        Some((path, open)) => Opening::Page {
            path,
            open,
            others,
            whole,
        },
        None => Opening::Unknown,
    };
    loop {
        i = skip_ws(text, i);
        match text.get(i) {
            None => return stop(found, others, whole),
            Some(b'"') => {}
            _ => return Opening::NotPage,
        }
        let Some(key_end) = value_end(text, i) else {
            return stop(found, others, whole);
        };
        let Ok(key) = serde_json::from_slice::<String>(&text[i..key_end]) else {
            return Opening::NotPage;
        };
        i = skip_ws(text, key_end);
        match text.get(i) {
            None => return stop(found, others, whole),
            Some(b':') => {}
            _ => return Opening::NotPage,
        }
        i = skip_ws(text, i + 1);
        let Some(&first) = text.get(i) else {
            return stop(found, others, whole);
        };
        let mut records = false;
        if found.is_some() {
            others.push(key);
        } else if first == b'[' && is_page_key(&key) {
            match text.get(skip_ws(text, i + 1)) {
                None => return Opening::Unknown,
                Some(b'{' | b']') => {
                    found = Some((vec![key], i + 1));
                    records = true;
                }
                Some(_) => others.push(key),
            }
        } else if first == b'{' && key == EMBEDDED {
            match page_opening(&text[i..], is_page_key) {
                Opening::Page {
                    path,
                    open,
                    others: inner,
                    whole: inner_whole,
                } => {
                    found = Some((std::iter::once(key).chain(path).collect(), i + open));
                    others.extend(inner);
                    if !inner_whole {
                        return stop(found, others, false);
                    }
                    whole = true;
                }
                Opening::NotPage => others.push(key),
                Opening::Unknown => return Opening::Unknown,
            }
        } else {
            others.push(key);
        }
        let Some(end) = value_end(text, i) else {
            return stop(found, others, whole);
        };
        whole |= records;
        i = skip_ws(text, end);
        match text.get(i) {
            None => return stop(found, others, whole),
            Some(b',') => i += 1,
            Some(b'}') => {
                return match found {
                    Some((path, open)) => Opening::Page {
                        path,
                        open,
                        others,
                        whole,
                    },
                    None => Opening::NotPage,
                }
            }
            _ => return Opening::NotPage,
        }
    }
}

/// The shape `pandas.DataFrame.to_json` gave a document, told from its
/// opening bytes: `orient="columns"` (the default: `{"col": {"0": v, …}, …}`),
/// `"index"` (`{"0": {"col": v, …}, …}`; also a dictionary of tickets keyed
/// by their numeric ids) or `"split"` (`{"columns": […], "index": […],
/// "data": [[…], …]}`). `records` and `table` are arrays of objects already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameOrient {
    /// `orient="columns"`.
    Columns,
    /// `orient="index"`.
    Index,
    /// `orient="split"`.
    Split,
}

impl FrameOrient {
    /// The orient's name, as pandas spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            FrameOrient::Columns => "columns",
            FrameOrient::Index => "index",
            FrameOrient::Split => "split",
        }
    }

    /// The orient of the document that `text` opens, if it is one of these.
    pub(crate) fn detect(text: &[u8]) -> Option<FrameOrient> {
        // `{"key": ` and the first byte of its value.
        let member = |i: usize| -> Option<(String, usize)> {
            let i = skip_ws(text, i);
            let end = value_end(text, i).filter(|_| text.get(i) == Some(&b'"'))?;
            let key = serde_json::from_slice::<String>(&text[i..end]).ok()?;
            let j = skip_ws(text, end);
            (text.get(j) == Some(&b':')).then(|| (key, skip_ws(text, j + 1)))
        };
        let digits = |k: &str| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit());
        let open = skip_ws(text, 0);
        if text.get(open) != Some(&b'{') {
            return None;
        }
        let (key, at) = member(open + 1)?;
        if text.get(at)? == &b'[' {
            return (key == "columns").then_some(FrameOrient::Split);
        }
        // A column's values (or a row) keyed by row labels, for every
        // member the text shows (at most three): a record whose first key
        // holds such an object (`{"custom_fields": {"360001": …}, "id": 1}`)
        // is no frame.
        let shape = |key: &str, at: usize| -> Option<FrameOrient> {
            if text.get(at)? != &b'{' {
                return None;
            }
            let (inner, _) = member(at + 1)?;
            match (digits(key), digits(&inner)) {
                (true, false) => Some(FrameOrient::Index),
                (false, true) => Some(FrameOrient::Columns),
                _ => None,
            }
        };
        let orient = shape(&key, at)?;
        let mut end = value_end(text, at);
        for _ in 0..2 {
            let Some(e) = end else { break };
            let i = skip_ws(text, e);
            match text.get(i) {
                Some(b',') => {}
                _ => break,
            }
            let Some((key, at)) = member(i + 1) else {
                break;
            };
            if text.get(at).is_none() {
                break;
            }
            if shape(&key, at) != Some(orient) {
                return None;
            }
            end = value_end(text, at);
        }
        Some(orient)
    }

    /// The frame's rows as records (column name → value), in the frame's
    /// row order; `None` when `doc` is not laid out as this orient says.
    pub(crate) fn records(self, doc: Value) -> Option<Vec<Map<String, Value>>> {
        let Value::Object(mut doc) = doc else {
            return None;
        };
        match self {
            FrameOrient::Split => {
                let columns: Vec<String> = match doc.remove("columns")? {
                    Value::Array(c) => c.iter().map(cell).collect(),
                    _ => return None,
                };
                let Value::Array(data) = doc.remove("data")? else {
                    return None;
                };
                data.into_iter()
                    .map(|row| match row {
                        Value::Array(values) if values.len() == columns.len() => {
                            Some(columns.iter().cloned().zip(values).collect())
                        }
                        _ => None,
                    })
                    .collect()
            }
            FrameOrient::Index => doc
                .into_iter()
                .map(|(_, row)| match row {
                    Value::Object(m) => Some(m),
                    _ => None,
                })
                .collect(),
            FrameOrient::Columns => {
                // Row labels in the order the first column lists them.
                let mut rows: Vec<(String, Map<String, Value>)> = Vec::new();
                let mut at = std::collections::HashMap::new();
                for (column, values) in doc {
                    let Value::Object(values) = values else {
                        return None;
                    };
                    for (label, v) in values {
                        let i = *at.entry(label.clone()).or_insert_with(|| {
                            rows.push((label, Map::new()));
                            rows.len() - 1
                        });
                        rows[i].1.insert(column.clone(), v);
                    }
                }
                Some(rows.into_iter().map(|(_, m)| m).collect())
            }
        }
    }
}

/// The byte after the JSON value that starts at `i`; `None` when the text
/// ends first.
fn value_end(text: &[u8], i: usize) -> Option<usize> {
    if !matches!(text.get(i)?, b'{' | b'[' | b'"') {
        // A number, `true`, `false` or `null`.
        return text[i..]
            .iter()
            .position(|&b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
            .map(|p| i + p);
    }
    let (mut depth, mut scan) = (0usize, Strings::default());
    for (j, &b) in text.iter().enumerate().skip(i) {
        if scan.structural(b) {
            match b {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if depth == 0 && !scan.in_str {
            return Some(j + 1);
        }
    }
    None
}

fn skip_ws(text: &[u8], mut i: usize) -> usize {
    while i < text.len() && text[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// One top-level value cut out of an array or a run of objects.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// The value's bytes, starting on this 1-based line.
    Value { line: u64, end_line: u64 },
    /// The input ended inside a value that started on this line.
    Truncated { line: u64, end_line: u64 },
    /// After the array (and its wrapper) came something that is not another
    /// page, on this line; nothing after it is read (the reader stops with an
    /// error there).
    Trailing { line: u64 },
}

/// Where a byte-by-byte scan stands relative to JSON strings, so brackets
/// and quotes inside a string (`"x}]\""`) are not read as structure.
#[derive(Default)]
struct Strings {
    in_str: bool,
    esc: bool,
}

impl Strings {
    /// Feed the next byte: `true` when it is outside every string and not a
    /// quote that opens or closes one (a bracket, a comma, a scalar's byte).
    fn structural(&mut self, b: u8) -> bool {
        if self.in_str {
            if self.esc {
                self.esc = false;
            } else if b == b'\\' {
                self.esc = true;
            } else if b == b'"' {
                self.in_str = false;
            }
            false
        } else if b == b'"' {
            self.in_str = true;
            false
        } else {
            true
        }
    }
}

/// What follows an array's closing `]`.
enum AfterArray {
    /// The next page's array is open (pages joined by `cat` or `jq`).
    NextPage,
    /// Only whitespace to the end.
    End,
    /// Something else, starting on this line.
    Other(u64),
}

/// Splits top-level JSON values out of a stream without parsing them, by
/// tracking strings and bracket depth. Memory is bounded by the largest value.
pub(crate) struct Splitter {
    layout: Layout,
    /// Where the array sits in an API page (`["tickets"]` for `{"tickets":
    /// [`, `["_embedded", "conversations"]`); empty for a bare array. After
    /// the array come the rest of the objects on this path, and later
    /// pages hold their records at the same path.
    page: Vec<String>,
    /// Current 1-based line.
    line: u64,
    done: bool,
    /// The input ended inside an array (its `]` never came), at this line.
    unclosed: Option<u64>,
}

impl Splitter {
    /// Start splitting; `line` is the line of the next unread byte.
    pub fn new(layout: Layout, line: u64) -> Self {
        Splitter {
            layout,
            page: Vec::new(),
            line,
            done: false,
            unclosed: None,
        }
    }

    /// The array is the records of an API page, at this path of keys
    /// (`{"tickets": [ … ], "count": 2}`: `["tickets"]`).
    pub fn in_page(mut self, path: Vec<String>) -> Self {
        self.page = path;
        self
    }

    /// The line where the input ended inside an array whose closing `]`
    /// never came (every value before it was whole): a download cut off
    /// between two records looks exactly like this.
    pub fn unclosed(&self) -> Option<u64> {
        self.unclosed
    }

    /// One byte, consumed; `None` at the end. Counts lines.
    fn byte<R: BufRead + ?Sized>(&mut self, input: &mut R) -> std::io::Result<Option<u8>> {
        let Some(&b) = input.fill_buf()?.first() else {
            return Ok(None);
        };
        input.consume(1);
        if b == b'\n' {
            self.line += 1;
        }
        Ok(Some(b))
    }

    /// The next byte that is not whitespace, consumed.
    fn token<R: BufRead + ?Sized>(&mut self, input: &mut R) -> std::io::Result<Option<u8>> {
        loop {
            match self.byte(input)? {
                Some(b) if b.is_ascii_whitespace() => {}
                other => return Ok(other),
            }
        }
    }

    /// Consume bytes until `depth` open brackets (and any string) have
    /// closed; `false` if the input ends first.
    fn close<R: BufRead + ?Sized>(
        &mut self,
        input: &mut R,
        mut depth: usize,
        mut scan: Strings,
    ) -> std::io::Result<bool> {
        while depth > 0 || scan.in_str {
            let Some(b) = self.byte(input)? else {
                return Ok(false);
            };
            if scan.structural(b) {
                match b {
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
        }
        Ok(true)
    }

    /// Inside an object (its `{` consumed), skip members up to the one
    /// named `path[0]` and open it: its array when it is the last key,
    /// else its object, searched for the rest of the path. `false` when
    /// the object ends (or the input does) without it.
    fn open_member<R: BufRead + ?Sized>(
        &mut self,
        input: &mut R,
        path: &[String],
    ) -> std::io::Result<bool> {
        let Some((want, rest)) = path.split_first() else {
            return Ok(false);
        };
        loop {
            if self.token(input)? != Some(b'"') {
                return Ok(false);
            }
            let mut key = Vec::new();
            let mut scan = Strings {
                in_str: true,
                esc: false,
            };
            while scan.in_str {
                let Some(b) = self.byte(input)? else {
                    return Ok(false);
                };
                scan.structural(b);
                if scan.in_str {
                    key.push(b);
                }
            }
            if self.token(input)? != Some(b':') {
                return Ok(false);
            }
            let Some(first) = self.token(input)? else {
                return Ok(false);
            };
            if key == want.as_bytes() {
                return Ok(match (first, rest.is_empty()) {
                    (b'[', true) => true,
                    (b'{', false) => self.open_member(input, rest)?,
                    _ => false,
                });
            }
            let done = match first {
                b'{' | b'[' => self.close(input, 1, Strings::default())?,
                b'"' => self.close(
                    input,
                    0,
                    Strings {
                        in_str: true,
                        esc: false,
                    },
                )?,
                _ => {
                    // A scalar: up to the byte that ends it.
                    loop {
                        let next = input.fill_buf()?.first().copied();
                        match next {
                            Some(b) if !matches!(b, b',' | b'}') && !b.is_ascii_whitespace() => {
                                self.byte(input)?;
                            }
                            Some(_) => break true,
                            None => break false,
                        }
                    }
                }
            };
            if !done || self.token(input)? != Some(b',') {
                return Ok(false);
            }
        }
    }

    /// After an array's `]`: skip the rest of its page, then whitespace,
    /// and open the next page's array when another page follows (`cat
    /// page1.json page2.json`, `jq . page*.json`): without this every page
    /// after the first was dropped without a word. A bare array is followed
    /// by `[`, a page by an object holding its records at the same path.
    fn after_array<R: BufRead + ?Sized>(&mut self, input: &mut R) -> std::io::Result<AfterArray> {
        if !self.page.is_empty() && !self.close(input, self.page.len(), Strings::default())? {
            return Ok(AfterArray::End);
        }
        // Whitespace, and the byte order mark a page saved on its own
        // starts with (`cat a.json b.json`).
        loop {
            let avail = input.fill_buf()?;
            let Some(&b) = avail.first() else {
                return Ok(AfterArray::End);
            };
            if avail.starts_with(b"\xEF\xBB\xBF") {
                input.consume(3);
            } else if b.is_ascii_whitespace() {
                self.byte(input)?;
            } else {
                break;
            }
        }
        let line = self.line;
        let next = if self.page.is_empty() {
            self.token(input)? == Some(b'[')
        } else {
            let path = self.page.clone();
            self.token(input)? == Some(b'{') && self.open_member(input, &path)?
        };
        Ok(if next {
            AfterArray::NextPage
        } else {
            AfterArray::Other(line)
        })
    }

    /// Read the next value into `buf` (cleared first). `None` at the end
    /// (for an array: its closing `]`, and the end of any later pages; see
    /// [`Piece::Trailing`] for anything else after it).
    pub fn next_value<R: BufRead + ?Sized>(
        &mut self,
        input: &mut R,
        buf: &mut Vec<u8>,
    ) -> std::io::Result<Option<Piece>> {
        buf.clear();
        if self.done {
            return Ok(None);
        }
        // Skip separators to the start of a value.
        loop {
            let avail = input.fill_buf()?;
            if avail.is_empty() {
                self.done = true;
                if self.layout == Layout::Array {
                    self.unclosed = Some(self.line);
                }
                return Ok(None);
            }
            let mut used = 0;
            let (mut start, mut closed) = (false, false);
            for &b in avail {
                match b {
                    b'\n' => self.line += 1,
                    b if b.is_ascii_whitespace() => {}
                    b',' => {}
                    b']' if self.layout == Layout::Array => {
                        closed = true;
                        used += 1;
                        break;
                    }
                    _ => {
                        start = true;
                        break;
                    }
                }
                used += 1;
            }
            input.consume(used);
            if closed {
                match self.after_array(input)? {
                    AfterArray::NextPage => continue,
                    AfterArray::End => {
                        self.done = true;
                        return Ok(None);
                    }
                    AfterArray::Other(line) => {
                        self.done = true;
                        return Ok(Some(Piece::Trailing { line }));
                    }
                }
            }
            if start {
                break;
            }
        }
        let line = self.line;
        let (mut depth, mut scan) = (0usize, Strings::default());
        let scalar_end = |b: u8| b == b',' || b == b']' || b.is_ascii_whitespace();
        loop {
            let avail = input.fill_buf()?;
            if avail.is_empty() {
                self.done = true;
                let end_line = self.line;
                // A bare scalar ending at the end of input is complete.
                return Ok(Some(if depth == 0 && !scan.in_str {
                    Piece::Value { line, end_line }
                } else {
                    Piece::Truncated { line, end_line }
                }));
            }
            let mut used = 0;
            let mut complete = false;
            for &b in avail {
                if scan.structural(b) {
                    match b {
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' if depth > 0 => depth -= 1,
                        _ if depth == 0 && scalar_end(b) => {
                            // A stray `]` outside an array is a value of its
                            // own (rejected later); taking it keeps the
                            // reader moving instead of returning an empty
                            // value forever.
                            if buf.is_empty() {
                                used += 1;
                                buf.push(b);
                            }
                            complete = true;
                            break;
                        }
                        _ => {}
                    }
                }
                if b == b'\n' {
                    self.line += 1;
                }
                used += 1;
                buf.push(b);
                if depth == 0 && !scan.in_str && matches!(b, b'}' | b']') {
                    complete = true;
                    break;
                }
            }
            input.consume(used);
            if complete {
                return Ok(Some(Piece::Value {
                    line,
                    end_line: self.line,
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattening_and_cells() {
        let v = json!({"id": 1, "via": {"channel": "email", "source": {"from": {}, "rel": null}},
            "tags": ["a", "b c", null], "sr": {"score": "good"}, "cf": [{"id": 1}]});
        let Value::Object(m) = v else { unreachable!() };
        let f = flatten(m);
        let keys: Vec<&str> = f.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "via.channel",
                "via.source.from",
                "via.source.rel",
                "tags",
                "sr.score",
                "cf"
            ]
        );
        assert_eq!(cell(&f["id"]), "1");
        assert_eq!(cell(&f["via.channel"]), "email");
        assert_eq!(cell(&f["via.source.from"]), "");
        assert_eq!(cell(&f["tags"]), "a, b c");
        assert_eq!(cell(&f["cf"]), "[{\"id\":1}]");
        let tags = json!([{"id": 1, "tag": "billing"}, {"id": 2, "tag": " refund "}]);
        assert_eq!(cell(&tags), "billing, refund");
        assert_eq!(cell(&json!([{"name": "vip"}])), "vip");
        assert_eq!(
            children(&f, "via"),
            ["via.channel", "via.source.from", "via.source.rel"]
        );
    }

    #[test]
    fn page_openings() {
        let keys = |k: &str| ["tickets", "records", "issues", "conversations"].contains(&k);
        let page = |path: &[&str], open, others: &[&str], whole| Opening::Page {
            path: path.iter().map(|k| k.to_string()).collect(),
            open,
            others: others.iter().map(|k| k.to_string()).collect(),
            whole,
        };
        assert_eq!(
            page_opening(b" {\n \"tickets\" : [ {", &keys),
            page(&["tickets"], 17, &[], false)
        );
        let sf = br#"{"totalSize": 2, "done": true, "next\"Url": "/x,}]\"", "records": [{"Id": 1}], "more": 1}"#;
        let open = sf.windows(2).position(|w| w == b"[{").unwrap() + 1;
        assert_eq!(
            page_opening(sf, &keys),
            page(
                &["records"],
                open,
                &["totalSize", "done", "next\"Url", "more"],
                true
            )
        );
        let jira = b"{\"expand\": \"names\", \"names\": {\"issues\": [1]}, \"issues\": []}";
        assert!(
            matches!(page_opening(jira, &keys), Opening::Page { path, .. } if path == ["issues"])
        );
        let hal = b"{\"_embedded\": {\"conversations\": [{\"id\": 1}]}, \"page\": {}}";
        assert_eq!(
            page_opening(hal, &keys),
            page(&["_embedded", "conversations"], 33, &["page"], true)
        );
        assert_eq!(
            page_opening(&hal[..40], &keys),
            page(&["_embedded", "conversations"], 33, &[], false)
        );
        // A list of scalars under a page key is a member, not the records.
        assert_eq!(
            page_opening(b"{\"tickets\": [1, 2], \"id\": 3}", &keys),
            Opening::NotPage
        );
        assert_eq!(page_opening(b"{\"id\": 1}", &keys), Opening::NotPage);
        assert_eq!(page_opening(b"[{}]", &keys), Opening::NotPage);
        assert_eq!(
            page_opening(b"{\"total\": 2, \"names\": {\"a\"", &keys),
            Opening::Unknown
        );
    }

    fn split_all(layout: Layout, text: &str) -> Vec<(Piece, String)> {
        let mut s = Splitter::new(layout, 1);
        let mut input = text.as_bytes();
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(p) = s.next_value(&mut input, &mut buf).unwrap() {
            out.push((p, String::from_utf8(buf.clone()).unwrap()));
        }
        out
    }

    /// Pages joined one after another (`cat`, `jq . page*.json`) are all
    /// read: bare arrays, and wrappers whose rest (`"next_page": …`) is skipped.
    #[test]
    fn later_pages_are_read() {
        let ids = |layout, page: &[&str], text: &str| -> Vec<String> {
            let path = page.iter().map(|k| k.to_string()).collect();
            let mut s = Splitter::new(layout, 1).in_page(path);
            let mut input = text.as_bytes();
            let mut buf = Vec::new();
            let mut out = Vec::new();
            while let Some(p) = s.next_value(&mut input, &mut buf).unwrap() {
                match p {
                    Piece::Trailing { line } => out.push(format!("trailing@{line}")),
                    _ => out.push(String::from_utf8(buf.clone()).unwrap()),
                }
            }
            out
        };
        assert_eq!(
            ids(
                Layout::Array,
                &[],
                "{\"id\":1},{\"id\":2}]\n[{\"id\":3}]\n\n"
            ),
            ["{\"id\":1}", "{\"id\":2}", "{\"id\":3}"]
        );
        // The wrapper's opening was skipped by the caller, as `open_json` does.
        let pages = "{\"id\":1}],\n \"next_page\": \"https://x/api?page=2&q=[a]\",\n \"meta\": {\"n\": [1]}\n}\n\
                     {\n \"tickets\": [\n  {\"id\":2}\n ],\n \"count\": 1\n}\n";
        assert_eq!(
            ids(Layout::Array, &["tickets"], pages),
            ["{\"id\":1}", "{\"id\":2}"]
        );
        assert_eq!(
            ids(
                Layout::Array,
                &["tickets"],
                "{\"id\":1}], \"n\": 1}\nnot json"
            ),
            ["{\"id\":1}", "trailing@2"]
        );
        assert_eq!(
            ids(
                Layout::Array,
                &["tickets"],
                "{\"id\":1}], \"n\": 1}\n{\"count\": 2}"
            ),
            ["{\"id\":1}", "trailing@2"]
        );
        // Later pages whose records come after counts and links
        // (Salesforce), or sit under HAL's `_embedded` (Help Scout).
        let salesforce = "{\"Id\":1}]}\n{\"totalSize\": 3, \"done\": true, \"nextRecordsUrl\": \"/q/01g-2000\",\n \"x\": {\"records\": [5]}, \"records\": [{\"Id\":2}, {\"Id\":3}]}";
        assert_eq!(
            ids(Layout::Array, &["records"], salesforce),
            ["{\"Id\":1}", "{\"Id\":2}", "{\"Id\":3}"]
        );
        let hal = "{\"id\":1}]}, \"page\": {\"number\": 1}}\n{\"_embedded\": {\"conversations\": [{\"id\":2}]}, \"page\": {\"number\": 2}}";
        assert_eq!(
            ids(Layout::Array, &["_embedded", "conversations"], hal),
            ["{\"id\":1}", "{\"id\":2}"]
        );
        // A later object without the records is not a page.
        assert_eq!(
            ids(
                Layout::Array,
                &["records"],
                "{\"Id\":1}]}\n{\"totalSize\": 0, \"done\": true}"
            ),
            ["{\"Id\":1}", "trailing@2"]
        );
    }

    #[test]
    fn a_stray_closing_bracket_between_objects_is_a_value_not_a_stall() {
        let got = split_all(Layout::Concatenated, "{\"a\": 1}\n]\n{\"b\": 2}");
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["{\"a\": 1}", "]", "{\"b\": 2}"]);
    }

    #[test]
    fn splitting_arrays_and_runs() {
        let got = split_all(
            Layout::Array,
            "\n  {\"a\": \"x}]\\\"\"},\n  {\"b\": [1, {\"c\": 2}]},\n 3 , \"s\"\n] trailing",
        );
        assert_eq!(
            got,
            vec![
                (
                    Piece::Value {
                        line: 2,
                        end_line: 2
                    },
                    "{\"a\": \"x}]\\\"\"}".to_string()
                ),
                (
                    Piece::Value {
                        line: 3,
                        end_line: 3
                    },
                    "{\"b\": [1, {\"c\": 2}]}".to_string()
                ),
                (
                    Piece::Value {
                        line: 4,
                        end_line: 4
                    },
                    "3".to_string()
                ),
                (
                    Piece::Value {
                        line: 4,
                        end_line: 4
                    },
                    "\"s\"".to_string()
                ),
                // Not another page: said, and the end.
                (Piece::Trailing { line: 5 }, String::new()),
            ]
        );
        let got = split_all(
            Layout::Concatenated,
            "{\n \"a\": 1\n}\n{\"b\":\n2}\n{\"c\": ",
        );
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0].0,
            Piece::Value {
                line: 1,
                end_line: 3
            }
        );
        assert_eq!(
            got[1],
            (
                Piece::Value {
                    line: 4,
                    end_line: 5
                },
                "{\"b\":\n2}".to_string()
            )
        );
        assert_eq!(
            got[2].0,
            Piece::Truncated {
                line: 6,
                end_line: 6
            }
        );
    }
}
