# vmsim's Valgrind tool (src/record/vgtool.c): a program of its own that
# links statically with Valgrind's core at Valgrind's load address, without
# the C library, so it is built by hand here rather than as a target with
# the project's flags (sanitizers, -fPIC). Built when valgrind's development
# files are there (Debian's valgrind package: valgrind.pc, pub_tool_*.h,
# the core libraries); without them `vmsim record` falls back to lackey.
#
# The tool lands next to the vmsim binary (the build tree: where `vmsim
# record` looks first) and installs into <libexecdir>/vmsim/.
pkg_check_modules(VALGRIND QUIET valgrind)
set(VMSIM_VGTOOL OFF)
if(VALGRIND_FOUND AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
	pkg_get_variable(VALGRIND_LOAD_ADDRESS valgrind valt_load_address)
	pkg_get_variable(VALGRIND_PC_LIBDIR valgrind libdir)
	pkg_get_variable(VALGRIND_PC_INCLUDEDIR valgrind includedir)
	set(VMSIM_VG_LIBS
		${VALGRIND_PC_LIBDIR}/valgrind/libcoregrind-amd64-linux.a
		${VALGRIND_PC_LIBDIR}/valgrind/libvex-amd64-linux.a
		${VALGRIND_PC_LIBDIR}/valgrind/libgcc-sup-amd64-linux.a)
	set(VMSIM_VGTOOL ON)
	foreach(f ${VMSIM_VG_LIBS} ${VALGRIND_PC_INCLUDEDIR}/pub_tool_tooliface.h)
		if(NOT EXISTS ${f})
			set(VMSIM_VGTOOL OFF)
		endif()
	endforeach()
endif()

# Where Valgrind keeps its own files (the VALGRIND_LIB vmsim record builds
# links to them).
find_path(VMSIM_VALGRIND_LIBEXEC vgpreload_core-amd64-linux.so
	PATHS /usr/libexec/valgrind /usr/lib/valgrind /usr/lib/x86_64-linux-gnu/valgrind
	NO_DEFAULT_PATH)
if(NOT VMSIM_VALGRIND_LIBEXEC)
	set(VMSIM_VALGRIND_LIBEXEC /usr/libexec/valgrind)
endif()
set_property(SOURCE ${PROJECT_SOURCE_DIR}/src/workload/trace_record.c APPEND PROPERTY
	COMPILE_DEFINITIONS VMSIM_LIBEXECDIR="${CMAKE_INSTALL_FULL_LIBEXECDIR}"
	VMSIM_VALGRIND_LIBEXEC="${VMSIM_VALGRIND_LIBEXEC}")

if(VMSIM_VGTOOL)
	set(VMSIM_VGTOOL_BIN ${PROJECT_BINARY_DIR}/vmsim-amd64-linux)
	set(VMSIM_VGTOOL_FLAGS -O2 -g -std=gnu11 -Wall -Wextra -Wno-unused-parameter
		-fno-stack-protector -fno-builtin -fno-strict-aliasing -fno-pic -fno-pie
		-DVGA_amd64 -DVGO_linux -DVGP_amd64_linux -DVGPV_amd64_linux_vanilla
		-I${VALGRIND_PC_INCLUDEDIR})
	if(VMSIM_WERROR)
		list(APPEND VMSIM_VGTOOL_FLAGS -Werror)
	endif()
	add_custom_command(OUTPUT ${VMSIM_VGTOOL_BIN}
		COMMAND ${CMAKE_C_COMPILER} ${VMSIM_VGTOOL_FLAGS}
			-static -nodefaultlibs -nostartfiles -u _start -Wl,--build-id=none
			-Wl,-Ttext-segment=${VALGRIND_LOAD_ADDRESS}
			-o ${VMSIM_VGTOOL_BIN} ${PROJECT_SOURCE_DIR}/src/record/vgtool.c
			${VMSIM_VG_LIBS} -lgcc
		DEPENDS ${PROJECT_SOURCE_DIR}/src/record/vgtool.c
		COMMENT "building vmsim's Valgrind tool (vmsim-amd64-linux)"
		VERBATIM)
	add_custom_target(vmsim-vgtool ALL DEPENDS ${VMSIM_VGTOOL_BIN})
	install(PROGRAMS ${VMSIM_VGTOOL_BIN} DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/vmsim)
	message(STATUS "vmsim's Valgrind tool: built (valgrind ${VALGRIND_VERSION}, "
		"load address ${VALGRIND_LOAD_ADDRESS})")
else()
	message(STATUS "vmsim's Valgrind tool: NOT built: valgrind's development files are "
		"missing (apt-get install -y valgrind); vmsim record will use lackey")
endif()
