//! `dancebot doctor`: what this machine can run, and how to fix what it cannot.
//!
//! The report is plain data: the binary fills it from the edge modules (libtorch, sound cards,
//! ROS, I2C) and from the system (ffmpeg), and this module only judges and renders it. A lab runs
//! this first on a new robot computer, so every problem comes with the command that fixes it.

use serde::Serialize;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Works.
    Ok,
    /// Works in part, or is optional and absent.
    Warn,
    /// Needed for a feature and absent or broken.
    Missing,
}

impl Status {
    fn symbol(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Missing => "MISSING",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// What was checked, e.g. `libtorch` or `audio input`.
    pub name: String,
    /// The verdict.
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// How to fix it, when not ok.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    /// A passing check.
    pub fn ok(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            status: Status::Ok,
            detail: detail.into(),
            fix: None,
        }
    }

    /// A partial or optional problem, with its fix.
    pub fn warn(
        name: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            status: Status::Warn,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    /// A missing piece, with its fix.
    pub fn missing(
        name: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            status: Status::Missing,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Report {
    /// Checks in the order they were made.
    pub checks: Vec<Check>,
}

impl Report {
    /// Adds a check.
    pub fn push(&mut self, check: Check) {
        self.checks.push(check);
    }

    /// Number of checks with the given status.
    pub fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    /// Renders an aligned, human-readable table followed by the fixes.
    ///
    /// ```
    /// use dancebot::doctor::{Check, Report};
    /// let mut report = Report::default();
    /// report.push(Check::ok("libtorch", "2.11.0+cpu"));
    /// report.push(Check::missing("ffmpeg", "not on PATH", "sudo apt-get install ffmpeg"));
    /// let text = report.render_text();
    /// assert!(text.contains("MISSING"));
    /// assert!(text.contains("sudo apt-get install ffmpeg"));
    /// ```
    pub fn render_text(&self) -> String {
        let name_width = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let mut out = String::new();
        for c in &self.checks {
            out.push_str(&format!(
                "{:>7}  {:<name_width$}  {}\n",
                c.status.symbol(),
                c.name,
                c.detail
            ));
        }
        let fixes: Vec<&Check> = self.checks.iter().filter(|c| c.fix.is_some()).collect();
        if !fixes.is_empty() {
            out.push_str("\nTo fix:\n");
            for c in fixes {
                if let Some(fix) = &c.fix {
                    out.push_str(&format!("  - {}: {}\n", c.name, fix));
                }
            }
        }
        out.push_str(&format!(
            "\n{} ok, {} warnings, {} missing\n",
            self.count(Status::Ok),
            self.count(Status::Warn),
            self.count(Status::Missing)
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_json_shape() {
        let mut report = Report::default();
        report.push(Check::ok("a", "fine"));
        report.push(Check::warn("b", "partial", "do x"));
        report.push(Check::missing("c", "absent", "do y"));
        assert_eq!(
            (report.count(Status::Ok), report.count(Status::Warn)),
            (1, 1)
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["checks"][2]["status"], "missing");
        assert!(json["checks"][0].get("fix").is_none());
        assert!(report
            .render_text()
            .ends_with("1 ok, 1 warnings, 1 missing\n"));
    }
}
