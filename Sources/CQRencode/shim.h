// libqrencode from Debian's libqrencode-dev. Only Sources/CertificateRender imports this module.
#include <qrencode.h>
