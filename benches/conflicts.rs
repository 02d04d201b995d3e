//! Benchmarks of CIDR conflict detection and free-plan suggestion against
//! 10,000 existing blocks, the scale of a large multi-account organisation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark's set-up fails by panicking"
)]

use std::hint::black_box;
use std::net::Ipv4Addr;

use criterion::{Criterion, criterion_group, criterion_main};
use ipnet::Ipv4Net;
use studio_tui::core::cidr::{
    BlockSource, ExistingBlock, NetworkPlan, find_conflicts, suggest_free_plan,
};

/// Small deterministic generator (xorshift64*) so runs are comparable and no
/// extra dependency is needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// `n` random blocks from /`min_prefix` to /28 spread over the three RFC 1918 ranges.
fn random_blocks(n: usize, seed: u64, min_prefix: u8) -> Vec<Ipv4Net> {
    let mut rng = Rng(seed);
    let ranges: [(u32, u32); 3] = [
        (0x0a00_0000, 8),  // 10/8
        (0xac10_0000, 12), // 172.16/12
        (0xc0a8_0000, 16), // 192.168/16
    ];
    (0..n)
        .map(|_| {
            let r = rng.next();
            let (base, plen) = ranges[(r % 3) as usize];
            let host_bits = 32 - plen;
            let addr = base | ((r >> 8) as u32 & ((1u32 << host_bits) - 1));
            let span = u64::from(28 - min_prefix + 1);
            let prefix = (u64::from(min_prefix) + (r >> 40) % span) as u8;
            Ipv4Net::new(Ipv4Addr::from(addr), prefix.max(plen as u8))
                .expect("prefix <= 32")
                .trunc()
        })
        .collect()
}

fn plan(vpc: &str, fw: &str, nat: &str, studio: &str) -> NetworkPlan {
    NetworkPlan {
        vpc: vpc.parse().expect("cidr"),
        firewall_subnet: fw.parse().expect("cidr"),
        nat_subnet: nat.parse().expect("cidr"),
        studio_subnet: studio.parse().expect("cidr"),
    }
}

fn benches(c: &mut Criterion) {
    let blocks = random_blocks(10_000, 0x5eed, 16);
    let existing: Vec<ExistingBlock> = blocks
        .iter()
        .enumerate()
        .map(|(i, cidr)| ExistingBlock {
            cidr: *cidr,
            source: BlockSource::VpcPrimary {
                vpc_id: format!("vpc-{i:017x}"),
                name: None,
            },
            region: "us-east-1".into(),
        })
        .collect();
    let planned: Ipv4Net = "10.2.0.0/16".parse().expect("cidr");
    let hits = find_conflicts(planned, &existing).len();
    eprintln!("find_conflicts: {hits} conflicts among 10,000 blocks");

    c.bench_function("find_conflicts/10k", |b| {
        b.iter(|| find_conflicts(black_box(planned), black_box(&existing)))
    });

    let seed16 = plan("10.2.0.0/16", "10.2.1.0/24", "10.2.2.0/24", "10.2.3.0/24");
    let seed24 = plan(
        "10.2.3.0/24",
        "10.2.3.0/28",
        "10.2.3.16/28",
        "10.2.3.128/25",
    );
    for (name, p) in [("slash16", seed16), ("slash24", seed24)] {
        let s = suggest_free_plan(&p, &blocks, &[]);
        eprintln!("suggest_free_plan/{name}: {:?}", s.map(|s| s.vpc));
        c.bench_function(&format!("suggest_free_plan/10k/{name}"), |b| {
            b.iter(|| suggest_free_plan(black_box(&p), black_box(&blocks), &[]))
        });
    }
    // 10,000 blocks all in 10.0.0.0/9 (and the other private ranges): the
    // walk must skip the whole crowded half of 10/8 to reach 10.128.0.0/16.
    let ten_upper: Ipv4Net = "10.128.0.0/9".parse().expect("cidr");
    let sparse: Vec<Ipv4Net> = random_blocks(10_000, 0x5eed, 16)
        .into_iter()
        .map(|b| {
            if ten_upper.contains(&b) {
                let low = u32::from(b.network()) & !(1 << 23);
                Ipv4Net::new(Ipv4Addr::from(low), b.prefix_len()).expect("prefix")
            } else {
                b
            }
        })
        .collect();
    let s = suggest_free_plan(&seed16, &sparse, &[]);
    eprintln!(
        "suggest_free_plan/crowded-half/slash16: {:?}",
        s.map(|s| s.vpc)
    );
    c.bench_function("suggest_free_plan/10k-crowded-half/slash16", |b| {
        b.iter(|| suggest_free_plan(black_box(&seed16), black_box(&sparse), &[]))
    });
}

criterion_group!(conflicts, benches);
criterion_main!(conflicts);
