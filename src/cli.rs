//! Command-line interface: argument definitions only (dispatch lives in `main.rs`).
//!
//! Global options follow the aws CLI's habits (`--profile`, `--region`, `--endpoint-url`), and
//! the SDK's own environment variables (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL) keep working
//! because options left unset are simply not passed to the SDK loader.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Take an AWS account from empty to a locked-down SageMaker Studio in a private VPC behind AWS
/// Network Firewall, then manage it day to day. Without a subcommand, opens the full-screen wizard.
#[derive(Debug, Parser)]
#[command(name = "studio-tui", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every subcommand accepts.
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalOpts {
    /// AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work).
    /// Default: AWS_PROFILE, else "default".
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile's region.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// View only: no mutating AWS call is made, and the screens say what is disabled.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal).
    #[arg(long, global = true, conflicts_with = "json")]
    pub plain: bool,

    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    pub json: bool,

    /// Project settings file (TOML) supplying the parameters non-interactively.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials,
    /// no AWS account needed).
    #[arg(long, global = true, conflicts_with = "endpoint_url")]
    pub sandbox: bool,

    /// With --sandbox: start from a blank account. Without it the sandbox account already has
    /// networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered
    /// VPC), so preflight has a conflict to find and a free range to suggest.
    #[arg(long, global = true, requires = "sandbox")]
    pub empty: bool,

    /// More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show who you are (account, identity ARN), the region and the profile in use.
    Whoami,
    /// Run the bundled local AWS emulator until Ctrl-C, and print how to point tools at it.
    Sandbox(SandboxArgs),
    /// Deploy (create or update) the environment stack: change set, review, live events.
    Deploy(DeployArgs),
    /// One summary of the project: identity, stack, outputs, what is running.
    Status(ProjectArgs),
    /// The events of the stack's latest operation; --follow until it settles, --chart for a timeline.
    Events(EventsArgs),
    /// The firewall's blocked egress (from its alert log) and the allow list.
    #[command(subcommand)]
    Firewall(FirewallCommand),
    /// Detect drift of the project stack from its template (the security baseline first);
    /// exit 0 in sync, 1 drifted. --revert overwrites the drift with a drift-aware change set.
    Drift(DriftArgs),
    /// Draw the deployed environment: VPC, subnets (free IPs), gateways, firewall, endpoints,
    /// buckets, keys, the Studio domain and its users, as text, JSON, Mermaid or Graphviz DOT.
    Topology(TopologyArgs),
    /// Print the environment's CloudFormation template; parameter flags given are checked
    /// against it offline (exit 1 when one would be rejected).
    Template(TemplateArgs),
    /// Check everything before a deploy, read-only: CIDR conflicts with the account's networks,
    /// names, an existing stack, quotas; suggests a free range. Exit 1 when something blocks.
    Preflight(PreflightArgs),
    /// The whole first-time setup without the wizard: preflight, deploy, Studio domain, users.
    /// Running it again changes nothing and exits 0.
    Up(UpArgs),
    /// Studio user profiles of a project's domain: list, add, remove, sign-in URL.
    Users(UsersArgs),
    /// What the environment costs a month in the region, itemised per billed resource, with
    /// the per-GB rates of its traffic; prices from the AWS Price List API (cached a week), or
    /// the bundled table when it cannot be asked (the output says which).
    Cost(ProjectArgs),
    /// The Studio apps of the project's domain running now, with each one's instance type and
    /// price an hour and the total; `apps stop OWNER APP` deletes one.
    Apps(AppsArgs),
    /// Every environment studio-tui deployed, across profiles (accounts) and regions, one row
    /// each: stack status, last drift result, Studio domain, users, running apps, run rate.
    /// Read-only. Exit 0 when every profile and region was read, 1 when one failed.
    Fleet(FleetArgs),
    /// Delete the project: apps, spaces, user profiles, the Studio domain (with its home EFS
    /// volume), then the stack. Asks to type the project name (or pass --yes).
    Destroy(DestroyArgs),
    /// Print shell completions for bash, zsh, fish, elvish or powershell.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or with DIR write studio-tui.1 and one page per command
    /// (studio-tui-deploy.1, …) into DIR. Read it with `studio-tui man | man -l -`.
    Man(ManArgs),
}

impl Command {
    /// Commands that need no AWS, no saved state and no log: they print what the binary
    /// holds (the template, completions, the manual).
    pub fn is_offline(&self) -> bool {
        matches!(
            self,
            Command::Template(_) | Command::Completions(_) | Command::Man(_)
        )
    }
}

#[derive(Debug, Clone, Args)]
pub struct TemplateArgs {
    #[arg(long, value_enum, default_value_t = TemplateFormat::Yaml)]
    pub format: TemplateFormat,
    #[command(flatten)]
    pub params: ParamArgs,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Directory to write every page into (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 4566)]
    pub port: u16,
    /// Time-lapse factor: each resource takes its typical real duration times this (0 = instant).
    #[arg(long, default_value_t = 0.0)]
    pub pace: f64,
    /// Fault injection, e.g. "throttle=0.1,5xx=0.02,drop=0.01,seed=7,fail=NatGateway".
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// Pre-create a few VPCs (one overlapping the default 10.2.0.0/16) so the CIDR check has something to find.
    #[arg(long)]
    pub seed_vpcs: bool,
}

#[derive(Debug, Clone, Args)]
pub struct PreflightArgs {
    #[command(flatten)]
    pub params: ParamArgs,
    /// Expected number of Studio users (sizes the Studio subnet check).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub users: u32,
    /// Also look for CIDR conflicts in every enabled region (reported as warnings).
    #[arg(long)]
    pub all_regions: bool,
}

/// `studio-tui users …`
#[derive(Debug, Clone, Args)]
pub struct UsersArgs {
    /// Project whose domain to manage (the domain is named after it). Default: the last project
    /// used in this region, else sagemaker-studio-vpc.
    #[arg(long, global = true, value_name = "NAME")]
    pub project_name: Option<String>,
    #[command(subcommand)]
    pub command: UsersCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum UsersCommand {
    /// Every user profile with its status, apps and spaces.
    List,
    /// Create user profiles (concurrently); existing ones are reported, not duplicated.
    Add {
        /// Names: letters, digits and hyphens, at most 63 characters.
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
        /// Execution role ARN for these users instead of the domain's default.
        #[arg(long, value_name = "ARN")]
        execution_role: Option<String>,
        /// Security group for these users instead of the domain's default (repeatable).
        #[arg(long = "security-group", value_name = "SG")]
        security_groups: Vec<String>,
    },
    /// Delete user profiles: their apps and private spaces first, then the profile.
    Remove {
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
        /// Do not ask to type the names to confirm.
        #[arg(long)]
        yes: bool,
    },
    /// Print a presigned sign-in URL for a user.
    Url {
        #[arg(value_name = "NAME")]
        name: String,
        /// How long the URL can be used to sign in, 5 to 300 seconds (AWS default 300).
        #[arg(long, value_name = "SECONDS")]
        expires: Option<u32>,
    },
}

/// `studio-tui apps …`
#[derive(Debug, Clone, Args)]
pub struct AppsArgs {
    /// Project whose domain's apps to show (the domain in its stack's VPC). Default: the last
    /// project used in this region, else sagemaker-studio-vpc.
    #[arg(long, global = true, value_name = "NAME")]
    pub project_name: Option<String>,
    #[command(subcommand)]
    pub command: Option<AppsCommand>,
}

/// `studio-tui fleet`
#[derive(Debug, Clone, Args)]
pub struct FleetArgs {
    /// Profiles to read, comma-separated (default: --profile, else AWS_PROFILE, else the
    /// default credential chain).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NAME,...",
        conflicts_with = "all_profiles"
    )]
    pub profiles: Option<Vec<String>>,
    /// Every profile of ~/.aws/config and ~/.aws/credentials (AWS_CONFIG_FILE,
    /// AWS_SHARED_CREDENTIALS_FILE).
    #[arg(long)]
    pub all_profiles: bool,
    /// Regions to read in every profile, comma-separated (default: --region, else each
    /// profile's region).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "REGION,...",
        conflicts_with = "all_regions"
    )]
    pub regions: Option<Vec<String>>,
    /// Every region enabled for each profile's account (EC2 DescribeRegions, asked once per
    /// profile).
    #[arg(long)]
    pub all_regions: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum AppsCommand {
    /// Delete one app (DeleteApp) after confirmation; the owner's work on its storage stays.
    Stop {
        /// The user profile or space the app belongs to.
        #[arg(value_name = "USER|SPACE")]
        owner: String,
        /// The app: TYPE/NAME (e.g. JupyterLab/default), or NAME when only one app of the
        /// owner has it.
        #[arg(value_name = "APP")]
        app: String,
        /// OWNER is a user profile (when a space has the same name).
        #[arg(long, conflicts_with = "space")]
        user: bool,
        /// OWNER is a space (when a user profile has the same name).
        #[arg(long)]
        space: bool,
        /// Do not ask to type the app to confirm.
        #[arg(long)]
        yes: bool,
    },
}

/// `studio-tui destroy`
#[derive(Debug, Clone, Args)]
pub struct DestroyArgs {
    /// Project to delete. Default: the last project used in this region, else sagemaker-studio-vpc.
    #[arg(long, value_name = "NAME")]
    pub project_name: Option<String>,
    /// Do not ask to type the project name to confirm.
    #[arg(long)]
    pub yes: bool,
    /// Delete every object (all versions) of the project's buckets first, so the stack can delete
    /// them. The bucket policy allows this only through the project's VPC endpoint.
    #[arg(long, conflicts_with = "retain_buckets")]
    pub empty_buckets: bool,
    /// Keep the project's buckets and their data; the stack is deleted around them.
    #[arg(long)]
    pub retain_buckets: bool,
}

/// The stack parameters as flags, shared by `preflight`, `deploy` and `up`. Each flag given
/// overrides the config file, which overrides the saved answers, which override the defaults.
#[derive(Debug, Clone, Args, Default)]
pub struct ParamArgs {
    /// Project name: prefix of the buckets, role, KMS aliases, stack and Studio domain.
    #[arg(long, value_name = "NAME")]
    pub project_name: Option<String>,
    /// VPC CIDR block, /16 to /28 (default 10.2.0.0/16).
    #[arg(long, value_name = "CIDR")]
    pub vpc_cidr: Option<String>,
    /// Firewall subnet CIDR, inside the VPC (default 10.2.1.0/24).
    #[arg(long, value_name = "CIDR")]
    pub firewall_subnet_cidr: Option<String>,
    /// NAT gateway subnet CIDR, inside the VPC (default 10.2.2.0/24).
    #[arg(long, value_name = "CIDR")]
    pub nat_subnet_cidr: Option<String>,
    /// Studio subnet CIDR, inside the VPC (default 10.2.3.0/24).
    #[arg(long, value_name = "CIDR")]
    pub studio_subnet_cidr: Option<String>,
    /// Domains the firewall allows, comma-separated (e.g. "iam.amazonaws.com,.pypi.org").
    #[arg(long, value_name = "LIST")]
    pub allowed_domains: Option<String>,
    /// Other S3 buckets of the region notebooks may use through the S3 endpoint,
    /// comma-separated (default none; "" admits none). Each is a place the fenced data can go.
    #[arg(long, value_name = "LIST")]
    pub allowed_buckets: Option<String>,
    /// Availability zone for the subnets (default: the region's first).
    #[arg(long, value_name = "AZ")]
    pub availability_zone: Option<String>,
    /// Instance types Studio apps may run on, comma-separated ml.* types (default: all): the
    /// others are hidden in Studio and refused to the execution role by IAM.
    #[arg(long, value_name = "LIST")]
    pub instance_types: Option<String>,
    /// Shut JupyterLab and Code Editor apps down after this many idle minutes, 60 to 525600,
    /// or "off" (default 60). A setting of the Studio domain, for private and shared spaces.
    #[arg(long, value_name = "MINUTES|off")]
    pub idle_timeout: Option<String>,
}

impl ParamArgs {
    /// The flags that were given, as (field, text) overrides.
    pub fn overrides(&self) -> Vec<(crate::core::field::Field, String)> {
        use crate::core::field::Field;
        [
            (Field::ProjectName, &self.project_name),
            (Field::VpcCidr, &self.vpc_cidr),
            (Field::FirewallSubnetCidr, &self.firewall_subnet_cidr),
            (Field::NatSubnetCidr, &self.nat_subnet_cidr),
            (Field::StudioSubnetCidr, &self.studio_subnet_cidr),
            (Field::AllowedDomains, &self.allowed_domains),
            (Field::AllowedBuckets, &self.allowed_buckets),
            (Field::AvailabilityZone, &self.availability_zone),
            (Field::InstanceTypes, &self.instance_types),
            (Field::IdleTimeout, &self.idle_timeout),
        ]
        .into_iter()
        .filter_map(|(f, v)| v.clone().map(|v| (f, v)))
        .collect()
    }
}

#[derive(Debug, Clone, Args)]
pub struct TopologyArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format (`--json` also means json).
    #[arg(long, value_enum, default_value_t = TopologyFormat::Text)]
    pub format: TopologyFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TopologyFormat {
    /// An indented tree.
    Text,
    /// Nodes and edges (serde).
    Json,
    /// A Mermaid flowchart (paste into Markdown).
    Mermaid,
    /// A Graphviz digraph (`| dot -Tsvg`).
    Dot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    Yaml,
    Json,
}

/// Which project (stack) a command is about.
#[derive(Debug, Clone, Args, Default)]
pub struct ProjectArgs {
    /// Project name (= stack name). Default: the last project used in this region, else the seed default.
    #[arg(long, value_name = "NAME")]
    pub project_name: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct DeployArgs {
    #[command(flatten)]
    pub params: ParamArgs,
    /// Ask each parameter (and the Studio users) in line mode, prefilled with the current
    /// answers, and save them before anything is deployed.
    #[arg(long)]
    pub guided: bool,
    /// Execute the change set without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// If the stack is in ROLLBACK_COMPLETE / CREATE_FAILED / DELETE_FAILED, delete it and deploy again.
    #[arg(long)]
    pub recreate: bool,
    /// If the stack is in UPDATE_ROLLBACK_FAILED, continue the rollback.
    #[arg(long)]
    pub continue_rollback: bool,
}

/// `studio-tui up`
#[derive(Debug, Clone, Args)]
pub struct UpArgs {
    #[command(flatten)]
    pub params: ParamArgs,
    /// Ask each parameter (and the Studio users) in line mode, prefilled with the current
    /// answers, and save them before anything is deployed.
    #[arg(long)]
    pub guided: bool,
    /// Studio user profiles to create, comma-separated (default: the ones saved for this
    /// project). Existing profiles are kept; none is removed.
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub users: Option<Vec<String>>,
    /// Execute the change set without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum FirewallCommand {
    /// Domains the firewall blocked, most frequent first, read from its alert log group.
    Blocked {
        #[command(flatten)]
        project: ProjectArgs,
        /// How far back: 30m, 24h, 7d.
        #[arg(long, value_name = "DURATION", default_value = "24h")]
        since: String,
    },
    /// Add domains to the allow list (AllowedDomains), through the usual change-set review.
    Allow {
        #[command(flatten)]
        project: ProjectArgs,
        /// Host names such as pypi.org, or .example.com for a domain and its subdomains.
        #[arg(value_name = "DOMAIN", required = true)]
        domains: Vec<String>,
        /// Execute the change set without asking.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Would a flow from a Studio app reach HOST, and why: the route (VPC endpoints, the S3
    /// gateway endpoint) and the deployed firewall's own rules, evaluated as Network Firewall
    /// documents it. Exit 0 reaches, 1 dropped (or not decidable), 2 bad input. Read-only.
    Check {
        #[command(flatten)]
        project: ProjectArgs,
        /// Host name or IPv4 address, optionally with a port (default 443; 80 for http).
        #[arg(value_name = "HOST[:PORT]")]
        target: String,
        /// tls (HTTPS, matched on SNI), http (matched on Host), tcp (anything else on TCP:
        /// ssh, a tunnel), udp or icmp. Default tls.
        #[arg(long, value_name = "PROTOCOL")]
        protocol: Option<String>,
    },
    /// Remove domains from the allow list, through the usual change-set review.
    Deny {
        #[command(flatten)]
        project: ProjectArgs,
        #[arg(value_name = "DOMAIN", required = true)]
        domains: Vec<String>,
        /// Execute the change set without asking.
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct DriftArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Revert the drift: a drift-aware change set (REVERT_DRIFT) with the deployed template and
    /// parameters, reviewed, executed after a typed confirmation, streamed, then checked again.
    #[arg(long)]
    pub revert: bool,
    /// Do not ask to type the stack name before reverting.
    #[arg(long, requires = "revert")]
    pub yes: bool,
}

#[derive(Debug, Clone, Args)]
pub struct EventsArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Keep printing new events until the stack settles.
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Draw a timeline (Gantt chart) of how long each resource took.
    #[arg(long)]
    pub chart: bool,
}

/// Output style chosen from the flags and whether stdout is a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputMode {
    Tui,
    Plain,
    Json,
}

impl GlobalOpts {
    /// `--json` wins, then `--plain`, then the full-screen UI only when stdout is a terminal.
    pub fn output_mode(&self, stdout_is_tty: bool) -> OutputMode {
        if self.json {
            OutputMode::Json
        } else if self.plain || !stdout_is_tty {
            OutputMode::Plain
        } else {
            OutputMode::Tui
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn output_mode_rules() {
        let mut g = GlobalOpts::default();
        assert_eq!(g.output_mode(true), OutputMode::Tui);
        assert_eq!(g.output_mode(false), OutputMode::Plain);
        g.plain = true;
        assert_eq!(g.output_mode(true), OutputMode::Plain);
        g.plain = false;
        g.json = true;
        assert_eq!(g.output_mode(true), OutputMode::Json);
    }
}
