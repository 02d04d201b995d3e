# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_studio_tui_global_optspecs
    string join \n profile= region= endpoint-url= read-only plain json config= sandbox empty v/verbose h/help V/version
end

function __fish_studio_tui_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_studio_tui_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_studio_tui_using_subcommand
    set -l cmd (__fish_studio_tui_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c studio-tui -n "__fish_studio_tui_needs_command" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_needs_command" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_needs_command" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_needs_command" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_needs_command" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "whoami" -d 'Show who you are (account, identity ARN), the region and the profile in use'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "sandbox" -d 'Run the bundled local AWS emulator until Ctrl-C, and print how to point tools at it'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "deploy" -d 'Deploy (create or update) the environment stack: change set, review, live events'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "status" -d 'One summary of the project: identity, stack, outputs, what is running'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "events" -d 'The events of the stack\'s latest operation; --follow until it settles, --chart for a timeline'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "firewall" -d 'The firewall\'s blocked egress (from its alert log) and the allow list'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "drift" -d 'Detect drift of the project stack from its template (the security baseline first); exit 0 in sync, 1 drifted. --revert overwrites the drift with a drift-aware change set'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "topology" -d 'Draw the deployed environment: VPC, subnets (free IPs), gateways, firewall, endpoints, buckets, keys, the Studio domain and its users, as text, JSON, Mermaid or Graphviz DOT'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "template" -d 'Print the environment\'s CloudFormation template; parameter flags given are checked against it offline (exit 1 when one would be rejected)'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "preflight" -d 'Check everything before a deploy, read-only: CIDR conflicts with the account\'s networks, names, an existing stack, quotas; suggests a free range. Exit 1 when something blocks'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "up" -d 'The whole first-time setup without the wizard: preflight, deploy, Studio domain, users. Running it again changes nothing and exits 0'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "users" -d 'Studio user profiles of a project\'s domain: list, add, remove, sign-in URL'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "cost" -d 'What the environment costs a month in the region, itemised per billed resource, with the per-GB rates of its traffic; prices from the AWS Price List API (cached a week), or the bundled table when it cannot be asked (the output says which)'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "apps" -d 'The Studio apps of the project\'s domain running now, with each one\'s instance type and price an hour and the total; `apps stop OWNER APP` deletes one'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "fleet" -d 'Every environment studio-tui deployed, across profiles (accounts) and regions, one row each: stack status, last drift result, Studio domain, users, running apps, run rate. Read-only. Exit 0 when every profile and region was read, 1 when one failed'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "destroy" -d 'Delete the project: apps, spaces, user profiles, the Studio domain (with its home EFS volume), then the stack. Asks to type the project name (or pass --yes)'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "completions" -d 'Print shell completions for bash, zsh, fish, elvish or powershell'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "man" -d 'Print the manual page (roff), or with DIR write studio-tui.1 and one page per command (studio-tui-deploy.1, …) into DIR. Read it with `studio-tui man | man -l -`'
complete -c studio-tui -n "__fish_studio_tui_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand whoami" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l port -d 'Port on 127.0.0.1 (0 picks a free one)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l pace -d 'Time-lapse factor: each resource takes its typical real duration times this (0 = instant)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l faults -d 'Fault injection, e.g. "throttle=0.1,5xx=0.02,drop=0.01,seed=7,fail=NatGateway"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l seed-vpcs -d 'Pre-create a few VPCs (one overlapping the default 10.2.0.0/16) so the CIDR check has something to find'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand sandbox" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l project-name -d 'Project name: prefix of the buckets, role, KMS aliases, stack and Studio domain' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l vpc-cidr -d 'VPC CIDR block, /16 to /28 (default 10.2.0.0/16)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l firewall-subnet-cidr -d 'Firewall subnet CIDR, inside the VPC (default 10.2.1.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l nat-subnet-cidr -d 'NAT gateway subnet CIDR, inside the VPC (default 10.2.2.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l studio-subnet-cidr -d 'Studio subnet CIDR, inside the VPC (default 10.2.3.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l allowed-domains -d 'Domains the firewall allows, comma-separated (e.g. "iam.amazonaws.com,.pypi.org")' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l allowed-buckets -d 'Other S3 buckets of the region notebooks may use through the S3 endpoint, comma-separated (default none; "" admits none). Each is a place the fenced data can go' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l availability-zone -d 'Availability zone for the subnets (default: the region\'s first)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l instance-types -d 'Instance types Studio apps may run on, comma-separated ml.* types (default: all): the others are hidden in Studio and refused to the execution role by IAM' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l idle-timeout -d 'Shut JupyterLab and Code Editor apps down after this many idle minutes, 60 to 525600, or "off" (default 60). A setting of the Studio domain, for private and shared spaces' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l guided -d 'Ask each parameter (and the Studio users) in line mode, prefilled with the current answers, and save them before anything is deployed'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -s y -l yes -d 'Execute the change set without asking'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l recreate -d 'If the stack is in ROLLBACK_COMPLETE / CREATE_FAILED / DELETE_FAILED, delete it and deploy again'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l continue-rollback -d 'If the stack is in UPDATE_ROLLBACK_FAILED, continue the rollback'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand deploy" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -l project-name -d 'Project name (= stack name). Default: the last project used in this region, else the seed default' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand status" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l project-name -d 'Project name (= stack name). Default: the last project used in this region, else the seed default' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -s f -l follow -d 'Keep printing new events until the stack settles'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l chart -d 'Draw a timeline (Gantt chart) of how long each resource took'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand events" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -f -a "blocked" -d 'Domains the firewall blocked, most frequent first, read from its alert log group'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -f -a "allow" -d 'Add domains to the allow list (AllowedDomains), through the usual change-set review'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -f -a "check" -d 'Would a flow from a Studio app reach HOST, and why: the route (VPC endpoints, the S3 gateway endpoint) and the deployed firewall\'s own rules, evaluated as Network Firewall documents it. Exit 0 reaches, 1 dropped (or not decidable), 2 bad input. Read-only'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -f -a "deny" -d 'Remove domains from the allow list, through the usual change-set review'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and not __fish_seen_subcommand_from blocked allow check deny help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l project-name -d 'Project name (= stack name). Default: the last project used in this region, else the seed default' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l since -d 'How far back: 30m, 24h, 7d' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from blocked" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -l project-name -d 'Project name (= stack name). Default: the last project used in this region, else the seed default' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -s y -l yes -d 'Execute the change set without asking'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from allow" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l project-name -d 'Project name (= stack name). Default: the last project used in this region, else the seed default' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l protocol -d 'tls (HTTPS, matched on SNI), http (matched on Host), tcp (anything else on TCP: ssh, a tunnel), udp or icmp. Default tls' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -l project-name -d 'Project name (= stack name). Default: the last project used in this region, else the seed default' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -s y -l yes -d 'Execute the change set without asking'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from deny" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from help" -f -a "blocked" -d 'Domains the firewall blocked, most frequent first, read from its alert log group'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from help" -f -a "allow" -d 'Add domains to the allow list (AllowedDomains), through the usual change-set review'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from help" -f -a "check" -d 'Would a flow from a Studio app reach HOST, and why: the route (VPC endpoints, the S3 gateway endpoint) and the deployed firewall\'s own rules, evaluated as Network Firewall documents it. Exit 0 reaches, 1 dropped (or not decidable), 2 bad input. Read-only'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from help" -f -a "deny" -d 'Remove domains from the allow list, through the usual change-set review'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand firewall; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l project-name -d 'Project name (= stack name). Default: the last project used in this region, else the seed default' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l revert -d 'Revert the drift: a drift-aware change set (REVERT_DRIFT) with the deployed template and parameters, reviewed, executed after a typed confirmation, streamed, then checked again'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l yes -d 'Do not ask to type the stack name before reverting'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand drift" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l project-name -d 'Project name (= stack name). Default: the last project used in this region, else the seed default' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l format -d 'Output format (`--json` also means json)' -r -f -a "text\t'An indented tree'
json\t'Nodes and edges (serde)'
mermaid\t'A Mermaid flowchart (paste into Markdown)'
dot\t'A Graphviz digraph (`| dot -Tsvg`)'"
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand topology" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l format -r -f -a "yaml\t''
json\t''"
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l project-name -d 'Project name: prefix of the buckets, role, KMS aliases, stack and Studio domain' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l vpc-cidr -d 'VPC CIDR block, /16 to /28 (default 10.2.0.0/16)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l firewall-subnet-cidr -d 'Firewall subnet CIDR, inside the VPC (default 10.2.1.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l nat-subnet-cidr -d 'NAT gateway subnet CIDR, inside the VPC (default 10.2.2.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l studio-subnet-cidr -d 'Studio subnet CIDR, inside the VPC (default 10.2.3.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l allowed-domains -d 'Domains the firewall allows, comma-separated (e.g. "iam.amazonaws.com,.pypi.org")' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l allowed-buckets -d 'Other S3 buckets of the region notebooks may use through the S3 endpoint, comma-separated (default none; "" admits none). Each is a place the fenced data can go' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l availability-zone -d 'Availability zone for the subnets (default: the region\'s first)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l instance-types -d 'Instance types Studio apps may run on, comma-separated ml.* types (default: all): the others are hidden in Studio and refused to the execution role by IAM' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l idle-timeout -d 'Shut JupyterLab and Code Editor apps down after this many idle minutes, 60 to 525600, or "off" (default 60). A setting of the Studio domain, for private and shared spaces' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand template" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l project-name -d 'Project name: prefix of the buckets, role, KMS aliases, stack and Studio domain' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l vpc-cidr -d 'VPC CIDR block, /16 to /28 (default 10.2.0.0/16)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l firewall-subnet-cidr -d 'Firewall subnet CIDR, inside the VPC (default 10.2.1.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l nat-subnet-cidr -d 'NAT gateway subnet CIDR, inside the VPC (default 10.2.2.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l studio-subnet-cidr -d 'Studio subnet CIDR, inside the VPC (default 10.2.3.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l allowed-domains -d 'Domains the firewall allows, comma-separated (e.g. "iam.amazonaws.com,.pypi.org")' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l allowed-buckets -d 'Other S3 buckets of the region notebooks may use through the S3 endpoint, comma-separated (default none; "" admits none). Each is a place the fenced data can go' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l availability-zone -d 'Availability zone for the subnets (default: the region\'s first)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l instance-types -d 'Instance types Studio apps may run on, comma-separated ml.* types (default: all): the others are hidden in Studio and refused to the execution role by IAM' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l idle-timeout -d 'Shut JupyterLab and Code Editor apps down after this many idle minutes, 60 to 525600, or "off" (default 60). A setting of the Studio domain, for private and shared spaces' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l users -d 'Expected number of Studio users (sizes the Studio subnet check)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l all-regions -d 'Also look for CIDR conflicts in every enabled region (reported as warnings)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand preflight" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l project-name -d 'Project name: prefix of the buckets, role, KMS aliases, stack and Studio domain' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l vpc-cidr -d 'VPC CIDR block, /16 to /28 (default 10.2.0.0/16)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l firewall-subnet-cidr -d 'Firewall subnet CIDR, inside the VPC (default 10.2.1.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l nat-subnet-cidr -d 'NAT gateway subnet CIDR, inside the VPC (default 10.2.2.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l studio-subnet-cidr -d 'Studio subnet CIDR, inside the VPC (default 10.2.3.0/24)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l allowed-domains -d 'Domains the firewall allows, comma-separated (e.g. "iam.amazonaws.com,.pypi.org")' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l allowed-buckets -d 'Other S3 buckets of the region notebooks may use through the S3 endpoint, comma-separated (default none; "" admits none). Each is a place the fenced data can go' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l availability-zone -d 'Availability zone for the subnets (default: the region\'s first)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l instance-types -d 'Instance types Studio apps may run on, comma-separated ml.* types (default: all): the others are hidden in Studio and refused to the execution role by IAM' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l idle-timeout -d 'Shut JupyterLab and Code Editor apps down after this many idle minutes, 60 to 525600, or "off" (default 60). A setting of the Studio domain, for private and shared spaces' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l users -d 'Studio user profiles to create, comma-separated (default: the ones saved for this project). Existing profiles are kept; none is removed' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l guided -d 'Ask each parameter (and the Studio users) in line mode, prefilled with the current answers, and save them before anything is deployed'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -s y -l yes -d 'Execute the change set without asking'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand up" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -l project-name -d 'Project whose domain to manage (the domain is named after it). Default: the last project used in this region, else sagemaker-studio-vpc' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -f -a "list" -d 'Every user profile with its status, apps and spaces'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -f -a "add" -d 'Create user profiles (concurrently); existing ones are reported, not duplicated'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -f -a "remove" -d 'Delete user profiles: their apps and private spaces first, then the profile'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -f -a "url" -d 'Print a presigned sign-in URL for a user'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and not __fish_seen_subcommand_from list add remove url help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -l project-name -d 'Project whose domain to manage (the domain is named after it). Default: the last project used in this region, else sagemaker-studio-vpc' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l execution-role -d 'Execution role ARN for these users instead of the domain\'s default' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l security-group -d 'Security group for these users instead of the domain\'s default (repeatable)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l project-name -d 'Project whose domain to manage (the domain is named after it). Default: the last project used in this region, else sagemaker-studio-vpc' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l project-name -d 'Project whose domain to manage (the domain is named after it). Default: the last project used in this region, else sagemaker-studio-vpc' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l yes -d 'Do not ask to type the names to confirm'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l expires -d 'How long the URL can be used to sign in, 5 to 300 seconds (AWS default 300)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l project-name -d 'Project whose domain to manage (the domain is named after it). Default: the last project used in this region, else sagemaker-studio-vpc' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from url" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every user profile with its status, apps and spaces'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "add" -d 'Create user profiles (concurrently); existing ones are reported, not duplicated'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Delete user profiles: their apps and private spaces first, then the profile'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "url" -d 'Print a presigned sign-in URL for a user'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand users; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -l project-name -d 'Project name (= stack name). Default: the last project used in this region, else the seed default' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand cost" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -l project-name -d 'Project whose domain\'s apps to show (the domain in its stack\'s VPC). Default: the last project used in this region, else sagemaker-studio-vpc' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -f -a "stop" -d 'Delete one app (DeleteApp) after confirmation; the owner\'s work on its storage stays'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and not __fish_seen_subcommand_from stop help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l project-name -d 'Project whose domain\'s apps to show (the domain in its stack\'s VPC). Default: the last project used in this region, else sagemaker-studio-vpc' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l user -d 'OWNER is a user profile (when a space has the same name)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l space -d 'OWNER is a space (when a user profile has the same name)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l yes -d 'Do not ask to type the app to confirm'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Delete one app (DeleteApp) after confirmation; the owner\'s work on its storage stays'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand apps; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l profiles -d 'Profiles to read, comma-separated (default: --profile, else AWS_PROFILE, else the default credential chain)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l regions -d 'Regions to read in every profile, comma-separated (default: --region, else each profile\'s region)' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l all-profiles -d 'Every profile of ~/.aws/config and ~/.aws/credentials (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l all-regions -d 'Every region enabled for each profile\'s account (EC2 DescribeRegions, asked once per profile)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand fleet" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l project-name -d 'Project to delete. Default: the last project used in this region, else sagemaker-studio-vpc' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l yes -d 'Do not ask to type the project name to confirm'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l empty-buckets -d 'Delete every object (all versions) of the project\'s buckets first, so the stack can delete them. The bucket policy allows this only through the project\'s VPC endpoint'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l retain-buckets -d 'Keep the project\'s buckets and their data; the stack is deleted around them'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand destroy" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand completions" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -l profile -d 'AWS profile from ~/.aws/config or ~/.aws/credentials (SSO and assume-role profiles work). Default: AWS_PROFILE, else "default"' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -l region -d 'AWS region, e.g. eu-west-1. Default: AWS_REGION, else the profile\'s region' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -l endpoint-url -d 'Send every AWS call to this endpoint (a local emulator, a proxy). Default: AWS_ENDPOINT_URL' -r
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -l config -d 'Project settings file (TOML) supplying the parameters non-interactively' -r -F
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -l read-only -d 'View only: no mutating AWS call is made, and the screens say what is disabled'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -l plain -d 'Line-by-line output instead of the full-screen interface (automatic when stdout is not a terminal)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -l json -d 'Machine-readable JSON output'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -l sandbox -d 'Run against a local AWS emulator that studio-tui starts and stops itself (fake credentials, no AWS account needed)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -l empty -d 'With --sandbox: start from a blank account. Without it the sandbox account already has networks in the way (a VPC on the default 10.2.0.0/16 behind a transit gateway, a peered VPC), so preflight has a conflict to find and a free range to suggest'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -s v -l verbose -d 'More detail in the log file (repeat for more: -v info, -vv debug, -vvv trace)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -s h -l help -d 'Print help'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand man" -s V -l version -d 'Print version'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "whoami" -d 'Show who you are (account, identity ARN), the region and the profile in use'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "sandbox" -d 'Run the bundled local AWS emulator until Ctrl-C, and print how to point tools at it'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "deploy" -d 'Deploy (create or update) the environment stack: change set, review, live events'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "status" -d 'One summary of the project: identity, stack, outputs, what is running'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "events" -d 'The events of the stack\'s latest operation; --follow until it settles, --chart for a timeline'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "firewall" -d 'The firewall\'s blocked egress (from its alert log) and the allow list'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "drift" -d 'Detect drift of the project stack from its template (the security baseline first); exit 0 in sync, 1 drifted. --revert overwrites the drift with a drift-aware change set'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "topology" -d 'Draw the deployed environment: VPC, subnets (free IPs), gateways, firewall, endpoints, buckets, keys, the Studio domain and its users, as text, JSON, Mermaid or Graphviz DOT'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "template" -d 'Print the environment\'s CloudFormation template; parameter flags given are checked against it offline (exit 1 when one would be rejected)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "preflight" -d 'Check everything before a deploy, read-only: CIDR conflicts with the account\'s networks, names, an existing stack, quotas; suggests a free range. Exit 1 when something blocks'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "up" -d 'The whole first-time setup without the wizard: preflight, deploy, Studio domain, users. Running it again changes nothing and exits 0'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "users" -d 'Studio user profiles of a project\'s domain: list, add, remove, sign-in URL'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "cost" -d 'What the environment costs a month in the region, itemised per billed resource, with the per-GB rates of its traffic; prices from the AWS Price List API (cached a week), or the bundled table when it cannot be asked (the output says which)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "apps" -d 'The Studio apps of the project\'s domain running now, with each one\'s instance type and price an hour and the total; `apps stop OWNER APP` deletes one'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "fleet" -d 'Every environment studio-tui deployed, across profiles (accounts) and regions, one row each: stack status, last drift result, Studio domain, users, running apps, run rate. Read-only. Exit 0 when every profile and region was read, 1 when one failed'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "destroy" -d 'Delete the project: apps, spaces, user profiles, the Studio domain (with its home EFS volume), then the stack. Asks to type the project name (or pass --yes)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "completions" -d 'Print shell completions for bash, zsh, fish, elvish or powershell'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "man" -d 'Print the manual page (roff), or with DIR write studio-tui.1 and one page per command (studio-tui-deploy.1, …) into DIR. Read it with `studio-tui man | man -l -`'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and not __fish_seen_subcommand_from whoami sandbox deploy status events firewall drift topology template preflight up users cost apps fleet destroy completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and __fish_seen_subcommand_from firewall" -f -a "blocked" -d 'Domains the firewall blocked, most frequent first, read from its alert log group'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and __fish_seen_subcommand_from firewall" -f -a "allow" -d 'Add domains to the allow list (AllowedDomains), through the usual change-set review'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and __fish_seen_subcommand_from firewall" -f -a "check" -d 'Would a flow from a Studio app reach HOST, and why: the route (VPC endpoints, the S3 gateway endpoint) and the deployed firewall\'s own rules, evaluated as Network Firewall documents it. Exit 0 reaches, 1 dropped (or not decidable), 2 bad input. Read-only'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and __fish_seen_subcommand_from firewall" -f -a "deny" -d 'Remove domains from the allow list, through the usual change-set review'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "list" -d 'Every user profile with its status, apps and spaces'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "add" -d 'Create user profiles (concurrently); existing ones are reported, not duplicated'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "remove" -d 'Delete user profiles: their apps and private spaces first, then the profile'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and __fish_seen_subcommand_from users" -f -a "url" -d 'Print a presigned sign-in URL for a user'
complete -c studio-tui -n "__fish_studio_tui_using_subcommand help; and __fish_seen_subcommand_from apps" -f -a "stop" -d 'Delete one app (DeleteApp) after confirmation; the owner\'s work on its storage stays'
