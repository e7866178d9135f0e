//! The Reports page's chart, laid out on the server: stacked bars of sessions per week (or
//! month) by outcome, as plain SVG shapes for the template to draw. No script, and every
//! outcome differs by pattern as well as colour, so it reads in greyscale too.

use crate::service::report_summary::{Bucket, Summary, Unit};

/// The chart's box, in SVG units (it scales to the page's width).
pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;
/// At most this many labels under the bars, so they never overlap.
const MAX_LABELS: usize = 8;

/// One outcome: its name, and the fill (a colour or a pattern defined in the template).
pub struct Series {
    pub name: &'static str,
    pub fill: &'static str,
}

/// The outcomes, bottom of the stack first.
pub const SERIES: [Series; 4] = [
    Series {
        name: "Completed",
        fill: "#1d70b8",
    },
    Series {
        name: "Cancelled",
        fill: "url(#pattern-cancelled)",
    },
    Series {
        name: "Abandoned",
        fill: "url(#pattern-abandoned)",
    },
    Series {
        name: "Not finished",
        fill: "url(#pattern-unfinished)",
    },
];

pub struct Segment {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub fill: &'static str,
}

pub struct Bar {
    /// What the bar says in words, for its `<title>` and the table.
    pub label: String,
    pub counts: [u64; 4],
    pub total: u64,
    pub segments: Vec<Segment>,
    /// The label under the bar, when this bar gets one: (centre x, text).
    pub tick: Option<(f64, String)>,
}

pub struct Gridline {
    pub y: f64,
    pub value: u64,
}

pub struct Chart {
    pub unit: &'static str,
    pub bars: Vec<Bar>,
    pub gridlines: Vec<Gridline>,
    /// Whether any session had no outcome (the fourth series is shown only then).
    pub any_unfinished: bool,
    pub baseline: f64,
    pub left: f64,
    pub right: f64,
}

/// A round number at least `max` (and at least 1): 1, 2, 3, 4, 5, 6 or 8 times a power of ten,
/// so the tallest bar fills most of the height.
fn nice_ceiling(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 3, 4, 5, 6, 8] {
            if step * factor >= max {
                return step * factor;
            }
        }
        step *= 10;
    }
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn bar_label(bucket: &Bucket, unit: Unit) -> (String, String) {
    let Some(start) = bucket.start else {
        return (String::new(), String::new());
    };
    let month = start.month().to_string();
    let short_month = &month[..3];
    match unit {
        Unit::Week => (
            format!("Week of {} {} {}", start.day(), short_month, start.year()),
            format!("{} {short_month}", start.day()),
        ),
        Unit::Month => (
            format!("{month} {}", start.year()),
            format!("{short_month} {}", start.year()),
        ),
    }
}

fn bar(bucket: &Bucket, unit: Unit, x: f64, width: f64, scale: f64, baseline: f64) -> Bar {
    let counts = [
        bucket.completed,
        bucket.cancelled,
        bucket.abandoned,
        bucket.unfinished,
    ];
    let mut top = baseline;
    let mut segments = Vec::new();
    for (count, series) in counts.iter().zip(&SERIES) {
        if *count == 0 {
            continue;
        }
        let height = *count as f64 * scale;
        top -= height;
        segments.push(Segment {
            x: round(x),
            y: round(top),
            width: round(width),
            height: round(height),
            fill: series.fill,
        });
    }
    let (label, _) = bar_label(bucket, unit);
    Bar {
        label,
        counts,
        total: bucket.total(),
        segments,
        tick: None,
    }
}

impl Chart {
    pub fn new(summary: &Summary) -> Self {
        let n = summary.buckets.len().max(1);
        let max = summary.buckets.iter().map(Bucket::total).max().unwrap_or(0);
        let top_value = nice_ceiling(max);
        let baseline = HEIGHT - BOTTOM;
        let scale = (baseline - TOP) / top_value as f64;
        let slot = (WIDTH - LEFT - RIGHT) / n as f64;
        let every = n.div_ceil(MAX_LABELS);
        let bars = summary
            .buckets
            .iter()
            .enumerate()
            .map(|(i, bucket)| {
                let x = LEFT + slot * i as f64 + slot * 0.15;
                let mut bar = bar(bucket, summary.unit, x, slot * 0.7, scale, baseline);
                if i % every == 0 {
                    let centre = round(LEFT + slot * (i as f64 + 0.5));
                    bar.tick = Some((centre, bar_label(bucket, summary.unit).1));
                }
                bar
            })
            .collect();
        let mut values = vec![0, top_value];
        if top_value >= 2 && top_value % 2 == 0 {
            values.insert(1, top_value / 2);
        }
        let gridlines = values
            .into_iter()
            .map(|value| Gridline {
                y: round(baseline - value as f64 * scale),
                value,
            })
            .collect();
        Chart {
            unit: match summary.unit {
                Unit::Week => "week",
                Unit::Month => "month",
            },
            bars,
            gridlines,
            any_unfinished: summary.buckets.iter().any(|b| b.unfinished > 0),
            baseline,
            left: LEFT,
            right: WIDTH - RIGHT,
        }
    }

    /// The series worth a legend entry and a table column.
    pub fn series(&self) -> &'static [Series] {
        if self.any_unfinished {
            &SERIES
        } else {
            &SERIES[..3]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::nice_ceiling;

    #[test]
    fn the_scale_tops_out_at_a_round_number() {
        let tops: Vec<u64> = [0, 1, 3, 7, 10, 11, 232, 412, 900].map(nice_ceiling).into();
        assert_eq!(tops, [1, 1, 3, 8, 10, 20, 300, 500, 1000]);
    }
}
