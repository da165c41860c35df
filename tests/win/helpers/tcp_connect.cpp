// ws_tcp_connect <ipv4 address> <port>: opens a TCP connection. Prints "connected" and exits 0,
// or prints "error <code>" and exits with the WSAGetLastError code (91 when Winsock itself does
// not start).
#include <winsock2.h>
#include <ws2tcpip.h>

#include "helper_io.hpp"

int wmain(int argc, wchar_t** argv) {
  if (argc != 3) return 92;
  WSADATA data{};
  if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 91;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<u_short>(ws_helper::number(argv[2])));
  if (InetPtonW(AF_INET, argv[1], &address.sin_addr) != 1) return 92;
  const SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  int result = s == INVALID_SOCKET
                   ? SOCKET_ERROR
                   : connect(s, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  const int error = result == SOCKET_ERROR ? WSAGetLastError() : 0;
  if (s != INVALID_SOCKET) closesocket(s);
  WSACleanup();
  if (error != 0) {
    ws_helper::out("error " + std::to_string(error));
    ExitProcess(static_cast<UINT>(error));
  }
  ws_helper::out("connected");
  return 0;
}
