# -*- autoconf -*-
# OVS-COLO configure checks.

dnl OVS_COLO_CHECK_OVS_SOURCE
dnl
dnl Finds the Open vSwitch 3.1 source: --with-ovs-source=PATH names a tarball
dnl or an unpacked tree; by default, the tarball of Debian's
dnl openvswitch-source package.
AC_DEFUN([OVS_COLO_CHECK_OVS_SOURCE], [
  AC_ARG_WITH([ovs-source],
    [AS_HELP_STRING([--with-ovs-source=PATH],
      [Open vSwitch 3.1 source, a .tar.gz or a folder
       (default: /usr/src/openvswitch/openvswitch.tar.gz)])],
    [OVS_SOURCE=$withval],
    [OVS_SOURCE=/usr/src/openvswitch/openvswitch.tar.gz])
  AC_MSG_CHECKING([for the Open vSwitch source])
  AS_CASE([$OVS_SOURCE], [/*], [], [OVS_SOURCE=`pwd`/$OVS_SOURCE])
  if test -d "$OVS_SOURCE"; then
    ovs_colo_version=`sed -n 's/^AC@&t@_INIT(openvswitch, *\([[0-9.]]*\).*/\1/p' \
                      "$OVS_SOURCE/configure.ac" 2>/dev/null`
  elif test -f "$OVS_SOURCE"; then
    ovs_colo_version=`tar xzOf "$OVS_SOURCE" --wildcards '*/configure.ac' \
                      2>/dev/null \
                      | sed -n 's/^AC@&t@_INIT(openvswitch, *\([[0-9.]]*\).*/\1/p'`
  else
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([no Open vSwitch source at $OVS_SOURCE.
Install Debian's package that ships it (apt-get install openvswitch-source)
or name another OVS 3.1 tarball or tree with --with-ovs-source=PATH.])
  fi
  AS_CASE([$ovs_colo_version],
    [3.1.*], [AC_MSG_RESULT([$OVS_SOURCE (OVS $ovs_colo_version)])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([$OVS_SOURCE is not Open vSwitch 3.1 (found version
'$ovs_colo_version'); the patch series is for OVS 3.1.x])])
  AC_SUBST([OVS_SOURCE])
])

dnl OVS_COLO_OVS_CONFIGURE_FLAGS
dnl
dnl What the OVS build is configured with.  --enable-Werror is on by default
dnl so that a missed case in a switch over actions (OVS turns on
dnl -Wswitch-enum) fails the build.  --enable-sanitizers turns it off by
dnl default: with UBSan's checks GCC 12 warns falsely in OVS's own code
dnl (lib/util.c, format-truncation), and the ordinary build has -Werror.
AC_DEFUN([OVS_COLO_OVS_CONFIGURE_FLAGS], [
  AC_ARG_VAR([OVS_CONFIGURE_FLAGS],
             [extra arguments for Open vSwitch's configure])
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers],
      [build OVS with AddressSanitizer and UndefinedBehaviorSanitizer
       (OVS's tests then fail on any report)])],
    [], [enable_sanitizers=no])
  AS_IF([test "$enable_sanitizers" = yes],
        [OVS_CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined"],
        [OVS_CFLAGS=])
  AC_SUBST([OVS_CFLAGS])
  AC_ARG_ENABLE([Werror],
    [AS_HELP_STRING([--disable-Werror],
      [build OVS without -Werror (the default with --enable-sanitizers)])],
    [], [AS_IF([test "$enable_sanitizers" = yes],
               [enable_Werror=no], [enable_Werror=yes])])
  OVS_CONFIGURE_ARGS="PYTHON3=$PYTHON3"
  AS_IF([test "$enable_Werror" = yes],
        [OVS_CONFIGURE_ARGS="$OVS_CONFIGURE_ARGS --enable-Werror"])

  dnl Open vSwitch installs where this configure was told to ("make
  dnl install" is OVS's): the installation directories given here go on to
  dnl OVS's configure, for example Debian's layout with --prefix=/usr
  dnl --sysconfdir=/etc --localstatedir=/var.  Those left at autoconf's
  dnl default are not passed, so OVS applies the same default.
  AS_IF([test "x$prefix" != xNONE],
        [OVS_CONFIGURE_ARGS="$OVS_CONFIGURE_ARGS --prefix=$prefix"])
  AS_IF([test "x$exec_prefix" != xNONE],
        [OVS_CONFIGURE_ARGS="$OVS_CONFIGURE_ARGS --exec-prefix=$exec_prefix"])
  for ovs_colo_dir in \
      'bindir=${exec_prefix}/bin' 'sbindir=${exec_prefix}/sbin' \
      'libdir=${exec_prefix}/lib' 'sysconfdir=${prefix}/etc' \
      'localstatedir=${prefix}/var' 'datarootdir=${prefix}/share' \
      'datadir=${datarootdir}' 'mandir=${datarootdir}/man'; do
    ovs_colo_var=${ovs_colo_dir%%=*}
    eval ovs_colo_val=\$$ovs_colo_var
    AS_IF([test "x$ovs_colo_val" != "x${ovs_colo_dir#*=}"],
          [OVS_CONFIGURE_ARGS="$OVS_CONFIGURE_ARGS --$ovs_colo_var=$ovs_colo_val"])
  done
  AC_SUBST([OVS_CONFIGURE_ARGS])
])

dnl OVS_COLO_CHECK_SPHINX
dnl
dnl OVS 3.1 keeps some of its man pages as reStructuredText, ovs-actions(7)
dnl among them, and builds and installs them only when its configure finds
dnl Sphinx: without it "make install" would quietly leave them out.
AC_DEFUN([OVS_COLO_CHECK_SPHINX], [
  AC_ARG_VAR([SPHINXBUILD], [Sphinx's sphinx-build, for OVS's man pages])
  AC_CHECK_PROGS([SPHINXBUILD], [sphinx-build-3 sphinx-build], [none])
  AS_IF([test "$SPHINXBUILD" = none],
        [AC_MSG_ERROR([sphinx-build not found: OVS builds ovs-actions(7) and its other reStructuredText man pages with it: apt-get install python3-sphinx (or utilities/ovs-colo-install-deps)])])
  OVS_CONFIGURE_ARGS="$OVS_CONFIGURE_ARGS SPHINXBUILD=$SPHINXBUILD"
])

dnl OVS_COLO_CHECK_PYTHON3
dnl
dnl Finds a Python 3 that has the modules OVS's flow parsers need (netaddr):
dnl without them OVS's test-ofparse.py and test-dpparse.py skip silently.
dnl The first python3 in PATH may be another installation (pyenv) that lacks
dnl them, so Debian's /usr/bin/python3 is tried as well.
AC_DEFUN([OVS_COLO_CHECK_PYTHON3], [
  AC_ARG_VAR([PYTHON3], [Python 3 with the netaddr module])
  AC_CACHE_CHECK([for a Python 3 with netaddr], [ovs_colo_cv_python3], [
    ovs_colo_cv_python3=no
    for p in $PYTHON3 python3 /usr/bin/python3; do
      p=`command -v "$p" 2>/dev/null` || continue
      if "$p" -c 'import netaddr' 2>/dev/null; then
        ovs_colo_cv_python3=$p
        break
      fi
    done])
  AS_IF([test "$ovs_colo_cv_python3" = no],
        [AC_MSG_ERROR([no Python 3 with the netaddr module: apt-get install python3-netaddr])])
  PYTHON3=$ovs_colo_cv_python3
])

dnl OVS_COLO_CHECK_PMD_PORTS
dnl
dnl The ports that PMD threads poll: DPDK (vhost-user and other DPDK ports)
dnl and AF_XDP.  Both are on by default, from Debian's packages, as OVS-COLO
dnl is meant for the datapath people deploy; --without-dpdk and
dnl --disable-afxdp build without them.  A default that finds its library
dnl missing stops with the package to install rather than quietly building
dnl without it.
AC_DEFUN([OVS_COLO_CHECK_PMD_PORTS], [
  AC_ARG_WITH([dpdk],
    [AS_HELP_STRING([--without-dpdk],
      [build OVS without DPDK ports (default: with Debian's libdpdk-dev)])],
    [], [with_dpdk=yes])
  AC_ARG_ENABLE([afxdp],
    [AS_HELP_STRING([--disable-afxdp],
      [build OVS without AF_XDP ports (default: with libxdp-dev and
       libbpf-dev)])],
    [], [enable_afxdp=yes])
  AC_CHECK_PROG([PKG_CONFIG], [pkg-config], [pkg-config])

  ovs_colo_dpdk=no
  AS_IF([test "$with_dpdk" != no], [
    AC_MSG_CHECKING([for DPDK])
    AS_IF([test -n "$PKG_CONFIG" && $PKG_CONFIG --exists libdpdk],
          [ovs_colo_dpdk=`$PKG_CONFIG --modversion libdpdk`
           AC_MSG_RESULT([$ovs_colo_dpdk])],
          [AC_MSG_RESULT([no])
           AC_MSG_ERROR([DPDK not found: apt-get install libdpdk-dev (or utilities/ovs-colo-install-deps), or configure --without-dpdk])])
    OVS_CONFIGURE_ARGS="$OVS_CONFIGURE_ARGS --with-dpdk=shared"])

  ovs_colo_afxdp=no
  AS_IF([test "$enable_afxdp" != no], [
    AC_MSG_CHECKING([for libxdp and libbpf])
    AS_IF([test -n "$PKG_CONFIG" && $PKG_CONFIG --exists libxdp libbpf],
          [ovs_colo_afxdp="libxdp `$PKG_CONFIG --modversion libxdp`"
           AC_MSG_RESULT([$ovs_colo_afxdp])],
          [AC_MSG_RESULT([no])
           AC_MSG_ERROR([libxdp or libbpf not found: apt-get install libxdp-dev libbpf-dev (or utilities/ovs-colo-install-deps), or configure --disable-afxdp])])
    OVS_CONFIGURE_ARGS="$OVS_CONFIGURE_ARGS --enable-afxdp"])
])
