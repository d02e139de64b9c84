//! Aligned plain-text tables for the terminal scorecard. Widths are measured
//! on the text before colouring, so colour codes never break alignment.

use owo_colors::OwoColorize;

/// How a cell is coloured when colour is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Dim,
    Bold,
    Good,
    Bad,
    Warn,
}

/// Left for names, right for numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
pub(crate) struct Cell {
    text: String,
    style: Style,
}

impl Cell {
    pub(crate) fn new(text: impl Into<String>, style: Style) -> Self {
        Self {
            text: text.into(),
            style,
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self::new(text, Style::Plain)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Self::new(text, Style::Plain)
    }
}

/// A header row and body rows; every row has one cell per column.
#[derive(Debug)]
pub(crate) struct Table {
    header: Vec<(String, Align)>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn new(header: &[(&str, Align)]) -> Self {
        Self::with_header(header.iter().map(|(h, a)| ((*h).to_owned(), *a)).collect())
    }

    pub(crate) fn with_header(header: Vec<(String, Align)>) -> Self {
        Self {
            header,
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// The table, each line prefixed with `indent` and without trailing
    /// spaces.
    pub(crate) fn render(&self, indent: &str, color: bool) -> String {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|i| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| width(&c.text))
                    .chain([width(&self.header[i].0)])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        let header: Vec<Cell> = self
            .header
            .iter()
            .map(|(h, _)| Cell::new(h.clone(), Style::Dim))
            .collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            let mut line = String::from(indent);
            for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = " ".repeat(w.saturating_sub(width(&cell.text)));
                let text = paint(&cell.text, cell.style, color);
                match self.header[i].1 {
                    Align::Left => {
                        line.push_str(&text);
                        line.push_str(&pad);
                    }
                    Align::Right => {
                        line.push_str(&pad);
                        line.push_str(&text);
                    }
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Display width, counted in characters (names are mostly ASCII; `·`, `–`,
/// `Δ`, `✔` are one column wide).
pub(crate) fn width(s: &str) -> usize {
    s.chars().count()
}

/// `text` in `style` when `color` is on, else unchanged.
pub(crate) fn paint(text: &str, style: Style, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    match style {
        Style::Plain => text.to_owned(),
        Style::Dim => text.dimmed().to_string(),
        Style::Bold => text.bold().to_string(),
        Style::Good => text.green().to_string(),
        Style::Bad => text.red().to_string(),
        Style::Warn => text.yellow().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_with_and_without_colour() {
        let mut t = Table::new(&[("name", Align::Left), ("n", Align::Right)]);
        t.row(vec!["a".into(), Cell::new("100", Style::Good)]);
        t.row(vec!["long name".into(), "7".into()]);
        let plain = t.render("  ", false);
        assert_eq!(
            plain,
            "  name         n\n  a          100\n  long name    7\n"
        );
        let coloured = t.render("  ", true);
        assert!(coloured.contains("\u{1b}["));
        // Same layout once the escape codes are removed.
        let stripped: String = strip_ansi(&coloured);
        assert_eq!(stripped, plain);
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
