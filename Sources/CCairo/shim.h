// cairo (PDF and image surfaces) with its FreeType/fontconfig font faces, from Debian's
// libcairo2-dev and libfontconfig-dev. Only Sources/CertificateRender imports this module.
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
