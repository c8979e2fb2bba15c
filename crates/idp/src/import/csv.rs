//! A small RFC 4180 reader: comma-separated fields, optionally in double quotes (a quote inside
//! is doubled), records ending in LF or CRLF (also inside quotes, a field may span lines).

/// One record and the line it starts on (1 = the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Why the file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvError {
    NotUtf8,
    /// A quoted field never closed, from the record starting on this line.
    UnclosedQuote(usize),
}

/// Splits the whole file into records; blank lines are skipped. A UTF-8 byte order mark at the
/// start is ignored (spreadsheet exports write one).
pub fn parse(bytes: &[u8]) -> Result<Vec<Record>, CsvError> {
    let text = std::str::from_utf8(bytes).map_err(|_| CsvError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                push_record(&mut records, start, std::mem::take(&mut fields));
                line += 1;
                start = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(CsvError::UnclosedQuote(start));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        push_record(&mut records, start, fields);
    }
    Ok(records)
}

fn push_record(records: &mut Vec<Record>, line: usize, fields: Vec<String>) {
    let blank = fields.len() == 1 && fields[0].trim().is_empty();
    if !blank {
        records.push(Record { line, fields });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        parse(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn quoted_fields_commas_quotes_and_newlines() {
        assert_eq!(
            fields("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",\n"),
            vec![
                vec!["a".to_string(), "b".to_string()],
                vec!["x, y".to_string(), "say \"hi\"".to_string()],
                vec!["two\nlines".to_string(), String::new()],
            ]
        );
        let records = parse(b"\xef\xbb\xbfh\n\nv").unwrap();
        assert_eq!(records[0].fields, vec!["h".to_string()]);
        assert_eq!(records[1].line, 3);
        assert_eq!(parse(b"\"open\n"), Err(CsvError::UnclosedQuote(1)));
        assert_eq!(parse(&[0xff, 0xfe]), Err(CsvError::NotUtf8));
    }
}
