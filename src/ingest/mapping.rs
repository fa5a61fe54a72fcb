//! Resolving input columns to ticket fields (`--map`, `--text-column`, aliases).

use super::fields::{
    duration_scale, find_column, match_alias, normalize_header, tried, ColumnMapping, Field,
    MappedColumn,
};
use crate::error::{Error, Result};

/// What the resolver needs to know about the job.
pub(crate) struct MappingRequest<'a> {
    pub map: &'a [(String, String)],
    pub text_columns: &'a [String],
    pub require_created_at: bool,
    /// `path` or `<stdin>`.
    pub label: &'a str,
    /// JSONL: `--map` may name keys missing from the first object.
    pub allow_extra: bool,
}

/// Build the mapping. Returns it and the extra JSONL keys it reads by name.
///
/// Order: `--map` first (always wins, and its columns are not auto-claimed
/// by another field), then `--text-column`, then aliases for the rest.
pub(crate) fn resolve(
    headers: &[String],
    req: &MappingRequest<'_>,
) -> Result<(ColumnMapping, Vec<String>)> {
    let mut taken = vec![false; headers.len()];
    let mut extra: Vec<String> = Vec::new();
    let mut by_map: Vec<(Field, usize, String)> = Vec::new();

    for (fname, col) in req.map {
        let field = Field::parse(fname).ok_or_else(|| {
            let known: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
            Error::option(
                "--map",
                format!("unknown field `{fname}`; fields are: {}", known.join(" ")),
            )
        })?;
        let idx = match find_column(headers, col) {
            Some(i) => {
                taken[i] = true;
                i
            }
            None if req.allow_extra && !col.trim().is_empty() => {
                let pos = extra.iter().position(|k| k == col).unwrap_or_else(|| {
                    extra.push(col.clone());
                    extra.len() - 1
                });
                headers.len() + pos
            }
            None => return Err(column_not_found("--map", col, req.label, headers)),
        };
        by_map.retain(|(f, _, _)| *f != field);
        let name = if idx < headers.len() {
            headers[idx].clone()
        } else {
            col.clone()
        };
        by_map.push((field, idx, name));
    }

    let mut text_columns = Vec::new();
    for col in req.text_columns {
        let idx = find_column(headers, col)
            .ok_or_else(|| column_not_found("--text-column", col, req.label, headers))?;
        taken[idx] = true;
        text_columns.push((idx, headers[idx].clone()));
    }

    let norm: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let mut columns = Vec::new();
    for field in Field::ALL {
        if !text_columns.is_empty() && matches!(field, Field::Subject | Field::Body) {
            continue;
        }
        let (idx, name, how) = if let Some((_, i, n)) = by_map.iter().find(|(f, _, _)| *f == field)
        {
            (*i, n.clone(), "--map")
        } else if let Some(i) = match_alias(&norm, field.aliases(), &taken) {
            taken[i] = true;
            (i, headers[i].clone(), "auto")
        } else {
            continue;
        };
        let scale = duration_scale(field, &name);
        columns.push(MappedColumn {
            field,
            index: idx,
            column: name,
            how,
            scale,
        });
    }
    let mapping = ColumnMapping {
        columns,
        text_columns,
        headers: headers.to_vec(),
    };

    if !mapping.has(Field::Subject) && !mapping.has(Field::Body) {
        return Err(Error::MissingColumn {
            path: req.label.to_string(),
            field: "body".into(),
            tried: format!(
                "{} (or use --text-column)",
                tried(&[Field::Subject, Field::Body])
            ),
        });
    }
    if req.require_created_at && !mapping.has(Field::CreatedAt) {
        return Err(Error::MissingColumn {
            path: req.label.to_string(),
            field: Field::CreatedAt.as_str().into(),
            tried: tried(&[Field::CreatedAt]),
        });
    }
    Ok((mapping, extra))
}

fn column_not_found(option: &str, col: &str, label: &str, headers: &[String]) -> Error {
    const SHOW: usize = 40;
    let mut cols: Vec<String> = headers
        .iter()
        .take(SHOW)
        .map(|h| format!("\"{h}\""))
        .collect();
    if headers.len() > SHOW {
        cols.push(format!("… ({} more)", headers.len() - SHOW));
    }
    Error::option(
        option,
        format!(
            "column `{col}` not found in {label}; columns are: {}",
            cols.join(", ")
        ),
    )
}
