#!/bin/sh
# Open MPI's launcher agent for the two-namespace test (plm_rsh_agent): called as ssh would be,
#   netns_agent.sh HOST COMMAND...
# it runs COMMAND in the network namespace named HOST, through a shell as ssh does (Open MPI
# sends shell syntax: variable assignments and ';').
# The "hosts" share one hostname and one /tmp, and Open MPI names its session directory after
# the hostname: two daemons starting at once raced to create the same directory ("mkdir ...
# File exists", orte_init failed; seen under the sanitizer job's load). Each namespace gets a
# session directory base of its own, as a real host would have; the test removes it.
host=$1
shift
base="${TMPDIR:-/tmp}/anvil-ompi-$host"
mkdir -p "$base"
exec ip netns exec "$host" env OMPI_MCA_orte_tmpdir_base="$base" /bin/sh -c "$*"
