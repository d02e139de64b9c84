//! Timings of the costly operations at the sizes an evaluation meets.
//!
//! `cargo bench -p whet-stats` (add `-- --quick` for a fast pass). The
//! numbers compared with numpy/scipy are in `scripts/peer_timings.py`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use whet_stats::rng::Xoshiro256StarStar;
use whet_stats::{
    BootstrapOptions, ConfusionMatrix, PermutationOptions, WilcoxonMethod, WilcoxonOptions,
    mcnemar, paired_bootstrap, paired_bootstrap_pass_fail, sign_flip_test, summarize, wilcoxon,
    wilson,
};

fn scores(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Xoshiro256StarStar::seed_from_u64(seed);
    let b: Vec<f64> = (0..n).map(|_| rng.next_f64()).collect();
    let c: Vec<f64> = b
        .iter()
        .map(|x| x + 0.2 * (rng.next_f64() - 0.45))
        .collect();
    (b, c)
}

fn outcomes(n: usize, seed: u64) -> (Vec<bool>, Vec<bool>) {
    let mut rng = Xoshiro256StarStar::seed_from_u64(seed);
    let b: Vec<bool> = (0..n).map(|_| rng.next_f64() < 0.7).collect();
    let c: Vec<bool> = b
        .iter()
        .map(|&x| if rng.next_f64() < 0.1 { !x } else { x })
        .collect();
    (b, c)
}

fn bench(c: &mut Criterion) {
    let (b, s) = scores(1_000, 1);
    let (pb, pc) = outcomes(1_000, 2);
    let boot = BootstrapOptions::default();

    c.bench_function("paired_bootstrap scores n=1000 B=10000", |x| {
        x.iter(|| paired_bootstrap(black_box(&b), black_box(&s), &boot))
    });
    c.bench_function("paired_bootstrap_pass_fail n=1000 B=10000", |x| {
        x.iter(|| paired_bootstrap_pass_fail(black_box(&pb), black_box(&pc), &boot))
    });
    c.bench_function("mcnemar n=1000", |x| {
        x.iter(|| mcnemar(black_box(&pb), black_box(&pc)))
    });
    c.bench_function("wilson", |x| {
        x.iter(|| wilson(black_box(712), black_box(1_000), 0.95))
    });

    let approx = WilcoxonOptions {
        method: WilcoxonMethod::Approx,
        correction: true,
    };
    c.bench_function("wilcoxon approx n=1000", |x| {
        x.iter(|| wilcoxon(black_box(&b), black_box(&s), &approx))
    });
    let (b50, s50) = scores(50, 3);
    c.bench_function("wilcoxon exact n=50", |x| {
        x.iter(|| {
            wilcoxon(
                black_box(&b50),
                black_box(&s50),
                &WilcoxonOptions::default(),
            )
        })
    });
    let exact = WilcoxonOptions {
        method: WilcoxonMethod::Exact,
        correction: true,
    };
    c.bench_function("wilcoxon exact n=1000", |x| {
        x.iter(|| wilcoxon(black_box(&b), black_box(&s), &exact))
    });

    let (b20, s20) = scores(20, 4);
    let perm = PermutationOptions::default();
    c.bench_function("sign_flip exact n=20 (2^20 assignments)", |x| {
        x.iter(|| sign_flip_test(black_box(&b20), black_box(&s20), &perm))
    });
    c.bench_function("sign_flip Monte Carlo n=1000 R=10000", |x| {
        x.iter(|| sign_flip_test(black_box(&b), black_box(&s), &perm))
    });

    let mut rng = Xoshiro256StarStar::seed_from_u64(5);
    let latencies: Vec<f64> = (0..100_000)
        .map(|_| 100.0 / (1.0 - rng.next_f64()).sqrt())
        .collect();
    c.bench_function("summarize n=100000", |x| {
        x.iter(|| summarize(black_box(&latencies)))
    });

    let labels: Vec<String> = (0..77).map(|i| format!("intent_{i}")).collect();
    let pairs: Vec<(&str, &str)> = (0..100_000)
        .map(|_| {
            let e = rng.below(77) as usize;
            let p = if rng.next_f64() < 0.7 {
                e
            } else {
                rng.below(77) as usize
            };
            (labels[e].as_str(), labels[p].as_str())
        })
        .collect();
    c.bench_function(
        "confusion matrix 100000 pairs, 77 labels + per-label F1",
        |x| {
            x.iter(|| {
                let m = ConfusionMatrix::from_pairs(black_box(&pairs).iter().copied());
                m.per_label()
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
