# OVS-COLO's sources in Open vSwitch's build.
#
# Open vSwitch's Makefile.am includes this file (patches/0001); paths are
# those of the OVS tree, where build-aux/ovs-tree links the project's files.

lib_libopenvswitch_la_SOURCES += \
	lib/colo/colo.c \
	lib/colo/colo.h \
	lib/colo/colo-compare.c \
	lib/colo/colo-compare.h \
	lib/colo/colo-conn.c \
	lib/colo/colo-conn.h \
	lib/colo/colo-held.c \
	lib/colo/colo-held.h \
	lib/colo/colo-instance.c \
	lib/colo/colo-instance.h \
	lib/colo/colo-odp.c \
	lib/colo/colo-odp.h \
	lib/colo/colo-ovsdb.c \
	lib/colo/colo-ovsdb.h \
	lib/colo/colo-packet.c \
	lib/colo/colo-packet.h \
	lib/colo/colo-release.c \
	lib/colo/colo-release.h \
	lib/colo/colo-repair.c \
	lib/colo/colo-repair.h \
	lib/colo/colo-rewrite.c \
	lib/colo/colo-rewrite.h \
	lib/colo/colo-segment.c \
	lib/colo/colo-segment.h \
	lib/colo/colo-stats.c \
	lib/colo/colo-stats.h \
	lib/colo/colo-tcp.c \
	lib/colo/colo-tcp.h \
	lib/colo/colo-types.c \
	lib/colo/colo-types.h \
	lib/colo/colo-unixctl.c \
	lib/colo/colo-unixctl.h \
	lib/ofp-colo.c \
	lib/ofp-colo.h

TESTSUITE_AT += \
	tests/colo-testsuite.at \
	tests/colo-actions.at \
	tests/colo-datapath.at \
	tests/colo-compare.at \
	tests/colo-rewrite.at \
	tests/colo-ovsdb.at \
	tests/colo-agent.at \
	tests/colo-floods.at \
	tests/colo-faults.at \
	tests/colo-fuzz.at

EXTRA_DIST += tests/colo-packet.py tests/colo-traffic.py \
	tests/colo-fuzz-seeds.py tests/colo-fuzz-corpus \
	tests/colo-fuzz-regressions

SYSTEM_USERSPACE_TESTSUITE_AT += \
	tests/system-colo-testsuite.at \
	tests/system-colo-macros.at \
	tests/system-colo-actions.at \
	tests/system-colo-path.at \
	tests/system-colo-checkpoint.at \
	tests/system-colo-failover.at \
	tests/system-colo-pmd.at \
	tests/system-colo-qemu.at \
	tests/system-colo-loss.at \
	tests/system-colo-install.at

tests_ovstest_SOURCES += \
	tests/colo-fuzz.c \
	tests/colo-fuzz.h \
	tests/test-colo-compare.c \
	tests/test-colo-fuzz.c \
	tests/test-colo-pktgen.c \
	tests/test-colo-rewrite.c

# The COLO fuzz targets, for libFuzzer (make fuzz, in the project's
# Makefile, builds them in a tree of their own, with clang).
COLO_FUZZ_TARGETS = \
	tests/oss-fuzz/colo_compare_target \
	tests/oss-fuzz/colo_rewrite_target \
	tests/oss-fuzz/colo_actions_target
EXTRA_PROGRAMS += $(COLO_FUZZ_TARGETS)
colo-fuzz-targets: $(COLO_FUZZ_TARGETS)
# The generated headers, which "all" makes first: the fuzz build makes
# only the library and the targets.
colo-fuzz-built-sources: $(BUILT_SOURCES)
tests_oss_fuzz_colo_compare_target_SOURCES = \
	tests/oss-fuzz/colo_compare_target.c tests/colo-fuzz.c
tests_oss_fuzz_colo_compare_target_LDADD = lib/libopenvswitch.la
tests_oss_fuzz_colo_compare_target_LDFLAGS = $(LIB_FUZZING_ENGINE)
tests_oss_fuzz_colo_rewrite_target_SOURCES = \
	tests/oss-fuzz/colo_rewrite_target.c tests/colo-fuzz.c
tests_oss_fuzz_colo_rewrite_target_LDADD = lib/libopenvswitch.la
tests_oss_fuzz_colo_rewrite_target_LDFLAGS = $(LIB_FUZZING_ENGINE)
tests_oss_fuzz_colo_actions_target_SOURCES = \
	tests/oss-fuzz/colo_actions_target.c tests/colo-fuzz.c
tests_oss_fuzz_colo_actions_target_LDADD = lib/libopenvswitch.la
tests_oss_fuzz_colo_actions_target_LDFLAGS = $(LIB_FUZZING_ENGINE)

MAN_FRAGMENTS += lib/colo/colo-unixctl.man

bin_SCRIPTS += utilities/ovs-colo-agent utilities/ovs-colo-flows
EXTRA_DIST += utilities/ovs-colo-agent utilities/ovs-colo-flows

# ovs-colo-agent(8), made from its .in as OVS's man pages are.
man_MANS += utilities/ovs-colo-agent.8
EXTRA_DIST += utilities/ovs-colo-agent.8.in
CLEANFILES += utilities/ovs-colo-agent.8
