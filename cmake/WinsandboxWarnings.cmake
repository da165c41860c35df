# Warning flags shared by every target of the project.
add_library(winsandbox_warnings INTERFACE)
if(MSVC)
  target_compile_options(winsandbox_warnings INTERFACE /W4 /permissive- /utf-8
                         $<$<BOOL:${WINSANDBOX_WERROR}>:/WX>)
else()
  target_compile_options(winsandbox_warnings INTERFACE -Wall -Wextra
                         $<$<BOOL:${WINSANDBOX_WERROR}>:-Werror>)
endif()
