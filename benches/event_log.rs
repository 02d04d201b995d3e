//! One frame of the deploy screen with 100,000 events in the log, on a 120x40 TestBackend:
//! only the visible window is turned into widgets, so this stays well under a frame budget.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark's set-up fails by panicking"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use studio_tui::core::progress::StackEvent;
use studio_tui::ui::screens::deploy::DeployState;
use studio_tui::ui::theme::Theme;

const T0: i64 = 1_764_000_000_000;

fn events(n: usize) -> Vec<StackEvent> {
    let statuses = ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"];
    (0..n)
        .map(|i| StackEvent {
            event_id: format!("e{i}"),
            stack_id: "arn:aws:cloudformation:eu-west-1:123456789012:stack/demo/1".into(),
            logical_id: format!("Resource{}", i / 2),
            physical_id: None,
            resource_type: "AWS::EC2::Route".into(),
            status: statuses[i % 2].into(),
            reason: None,
            timestamp_ms: T0 + i as i64 * 10,
            client_request_token: None,
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut state = DeployState::new("Executing the change set");
    state.add_events(&events(100_000));
    let theme = Theme { color: true };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("deploy screen frame, 100k events, 120x40", |b| {
        b.iter(|| {
            terminal
                .draw(|f| black_box(&state).render(f, f.area(), &theme, 0, T0 + 1_000_000))
                .unwrap();
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
