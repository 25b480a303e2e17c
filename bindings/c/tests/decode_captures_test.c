/* c_abi_decode_captures: vrrp_decode on keepalived 2.2.7's own packets (tests/vectors/), read
 * from the captures in plain C, checked against tshark's decode in the .txt beside each capture
 * (never against our encoder). The captures are libpcap or pcapng files (both occur), Ethernet
 * (link type 1); the VRRP message is the payload of an IPv4 or IPv6 header with protocol 112.
 * Usage: c_abi_decode_captures VECTORS_DIR */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vrrp.h>

#include "check.h"

#define MAX_FRAMES 64
#define LINKTYPE_ETHERNET 1

typedef struct frame {
  const uint8_t *data;
  size_t len;
} frame;

typedef struct capture {
  uint8_t *file;
  size_t size;
  int link_type;
  size_t n_frames;
  frame frames[MAX_FRAMES];
} capture;

static uint8_t *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  size_t cap = 0, len = 0;
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  for (;;) {
    size_t n;
    if (len == cap) {
      uint8_t *grown = realloc(buf, cap == 0 ? 4096 : cap * 2);
      if (grown == NULL) break;
      buf = grown;
      cap = cap == 0 ? 4096 : cap * 2;
    }
    n = fread(buf + len, 1, cap - len, f);
    if (n == 0) break;
    len += n;
  }
  fclose(f);
  /* NUL-terminated, so that a text file is a C string (the NUL is not counted). */
  if (buf != NULL && len == cap) {
    uint8_t *grown = realloc(buf, cap + 1);
    if (grown == NULL) {
      free(buf);
      return NULL;
    }
    buf = grown;
  }
  if (buf != NULL) buf[len] = 0;
  *size = len;
  return buf;
}

static uint32_t u32(const uint8_t *p, int big_endian) {
  return big_endian ? ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3])
                    : ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]);
}

static uint16_t u16(const uint8_t *p, int big_endian) {
  return (uint16_t)(big_endian ? (p[0] << 8 | p[1]) : (p[1] << 8 | p[0]));
}

static void add_frame(capture *c, const uint8_t *data, size_t len) {
  if (c->n_frames == MAX_FRAMES) return;
  c->frames[c->n_frames].data = data;
  c->frames[c->n_frames].len = len;
  ++c->n_frames;
}

/* libpcap: a 24-byte global header (magic, version, ..., snaplen, link type at 20), then per
 * frame a 16-byte record header (seconds, sub-seconds, captured length, original length). */
static int parse_pcap(capture *c) {
  const uint8_t *p = c->file;
  const uint32_t magic = u32(p, 0);
  int be;
  size_t off = 24;
  if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du) {
    be = 0;
  } else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u) {
    be = 1;
  } else {
    return 0;
  }
  if (c->size < 24) return 0;
  c->link_type = (int)(u32(p + 20, be) & 0xffff);
  while (off + 16 <= c->size) {
    const uint32_t caplen = u32(p + off + 8, be);
    off += 16;
    if (caplen > c->size - off) return 0;
    add_frame(c, p + off, caplen);
    off += caplen;
  }
  return off == c->size;
}

/* pcapng: blocks of (type, total length, body, total length). The section header's byte-order
 * magic says the endianness; an interface description block gives the link type; enhanced (6)
 * and simple (3) packet blocks carry frames. Other blocks are skipped. */
static int parse_pcapng(capture *c) {
  const uint8_t *p = c->file;
  size_t off = 0;
  int be = 0;
  while (off + 12 <= c->size) {
    uint32_t type, total;
    if (u32(p + off, 0) == 0x0a0d0d0au) { /* the same in both orders */
      be = u32(p + off + 8, 0) == 0x1a2b3c4du ? 0 : 1;
    }
    type = u32(p + off, be);
    total = u32(p + off + 4, be);
    if (total < 12 || total % 4 != 0 || total > c->size - off) return 0;
    if (type == 1 && c->link_type < 0) {
      c->link_type = u16(p + off + 8, be);
    } else if (type == 6 && total >= 32) {
      const uint32_t caplen = u32(p + off + 20, be);
      if (caplen > total - 32) return 0;
      add_frame(c, p + off + 28, caplen);
    } else if (type == 3 && total >= 16) {
      uint32_t len = u32(p + off + 8, be);
      if (len > total - 16) len = total - 16;
      add_frame(c, p + off + 12, len);
    }
    off += total;
  }
  return off == c->size;
}

static int load_capture(const char *path, capture *c) {
  memset(c, 0, sizeof *c);
  c->link_type = -1;
  c->file = read_file(path, &c->size);
  if (c->file == NULL || c->size < 24) return 0;
  if (u32(c->file, 0) == 0x0a0d0d0au) return parse_pcapng(c);
  return parse_pcap(c);
}

/* The VRRP message of an Ethernet frame, with what the IP header says; 0 when it is none. */
static int vrrp_payload(const frame *f, const uint8_t **payload, size_t *len,
                        vrrp_packet_info *info) {
  const uint8_t *ip = f->data + 14;
  uint16_t ethertype;
  size_t rest;
  if (f->len < 14) return 0;
  ethertype = u16(f->data + 12, 1);
  rest = f->len - 14;
  memset(info, 0, sizeof *info);
  if (ethertype == 0x0800 && rest >= 20) {
    const size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    const size_t total = u16(ip + 2, 1);
    if ((ip[0] >> 4) != 4 || ip[9] != VRRP_IP_PROTOCOL || ihl < 20 || total > rest || total < ihl) {
      return 0;
    }
    info->ttl = ip[8];
    info->source.family = VRRP_FAMILY_IPV4;
    memcpy(info->source.bytes, ip + 12, 4);
    info->destination.family = VRRP_FAMILY_IPV4;
    memcpy(info->destination.bytes, ip + 16, 4);
    *payload = ip + ihl;
    *len = total - ihl;
    return 1;
  }
  if (ethertype == 0x86dd && rest >= 40) {
    const size_t plen = u16(ip + 4, 1);
    /* keepalived sends no extension headers: the next header is VRRP itself. */
    if ((ip[0] >> 4) != 6 || ip[6] != VRRP_IP_PROTOCOL || plen > rest - 40) return 0;
    info->ttl = ip[7];
    info->source.family = VRRP_FAMILY_IPV6;
    memcpy(info->source.bytes, ip + 8, 16);
    info->destination.family = VRRP_FAMILY_IPV6;
    memcpy(info->destination.bytes, ip + 24, 16);
    *payload = ip + 40;
    *len = plen;
    return 1;
  }
  return 0;
}

/* tshark's decode: the value after "name: " on the first line (after `after`) whose trimmed
 * text starts with `name` (or, with anywhere set, contains it), up to the end of the line. */
static int field(const char *text, const char *after, const char *name, int anywhere, char *out,
                 size_t cap) {
  const char *line = after != NULL ? strstr(text, after) : text;
  const size_t name_len = strlen(name);
  while (line != NULL && *line != '\0') {
    const char *end = strchr(line, '\n');
    const char *start = line;
    const char *hit;
    size_t line_len = end != NULL ? (size_t)(end - line) : strlen(line);
    while (*start == ' ' && start < line + line_len) ++start;
    hit = NULL;
    if (strncmp(start, name, name_len) == 0 && start[name_len] == ':') {
      hit = start;
    } else if (anywhere) {
      const char *h = strstr(start, name);
      if (h != NULL && h < line + line_len && h[name_len] == ':') hit = h;
    }
    if (hit != NULL) {
      const char *v = hit + name_len + 2;
      size_t n = (size_t)(line + line_len - v);
      if (n >= cap) n = cap - 1;
      memcpy(out, v, n);
      out[n] = '\0';
      return 1;
    }
    line = end != NULL ? end + 1 : NULL;
  }
  out[0] = '\0';
  return 0;
}

static int field_int(const char *text, const char *name, int anywhere) {
  char value[256];
  if (!field(text, "Virtual Router Redundancy Protocol", name, anywhere, value, sizeof value)) {
    fprintf(stderr, "tshark decode has no '%s'\n", name);
    return -1;
  }
  return atoi(value);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* The hex line after `heading` into bytes; returns how many. */
static size_t hex_section(const char *text, const char *heading, uint8_t *out, size_t cap) {
  const char *p = strstr(text, heading);
  size_t n = 0;
  if (p == NULL) return 0;
  p = strchr(p, '\n');
  if (p == NULL) return 0;
  ++p;
  while (n < cap && hex_value(p[0]) >= 0 && hex_value(p[1]) >= 0) {
    out[n++] = (uint8_t)(hex_value(p[0]) * 16 + hex_value(p[1]));
    p += 2;
  }
  return n;
}

static void check_capture(const char *dir, const char *name) {
  char path[1024], value[256];
  capture c;
  char *text;
  size_t text_size = 0, i, n_addresses = 0, len = 0, expected_len;
  int interest = 1, vrrp_frames = 0, version, expected_interval;
  uint8_t expected_payload[VRRP_MAX_ADVERTISEMENT_SIZE];
  const uint8_t *payload = NULL;
  vrrp_packet_info info;
  vrrp_advertisement adv;
  static vrrp_addr storage[255];
  const char *vrrp_section;

  printf("-- %s\n", name);
  snprintf(path, sizeof path, "%s/%s.txt", dir, name);
  text = (char *)read_file(path, &text_size);
  CHECK(text != NULL);
  if (text == NULL) return;
  snprintf(path, sizeof path, "%s/%s.pcap", dir, name);
  CHECK(load_capture(path, &c));
  CHECK_EQ(c.link_type, LINKTYPE_ETHERNET);
  CHECK(c.n_frames > 0);

  /* Every VRRP frame keepalived sent decodes. */
  for (i = 0; i < c.n_frames; ++i) {
    if (!vrrp_payload(&c.frames[i], &payload, &len, &info)) continue;
    ++vrrp_frames;
    CHECK_EQ(vrrp_decode(payload, len, &info, &adv, storage), VRRP_DROP_NONE);
  }
  CHECK(vrrp_frames > 0);

  /* The packet of interest field by field. */
  {
    const char *p = strstr(text, "## Packet of interest: frame ");
    CHECK(p != NULL);
    if (p != NULL) interest = atoi(p + strlen("## Packet of interest: frame "));
  }
  CHECK(interest >= 1 && (size_t)interest <= c.n_frames);
  if (interest < 1 || (size_t)interest > c.n_frames) goto done;
  CHECK(vrrp_payload(&c.frames[interest - 1], &payload, &len, &info));
  expected_len = hex_section(text, "### vrrp message = IP payload (hex)", expected_payload,
                             sizeof expected_payload);
  CHECK_EQ(len, expected_len);
  CHECK(len == expected_len && memcmp(payload, expected_payload, len) == 0);
  CHECK_EQ(info.ttl, 255);
  CHECK_EQ(vrrp_decode(payload, len, &info, &adv, storage), VRRP_DROP_NONE);

  vrrp_section = strstr(text, "Virtual Router Redundancy Protocol");
  CHECK(vrrp_section != NULL);
  if (vrrp_section == NULL) goto done;
  version = field_int(text, "VRRP protocol version", 1);
  CHECK_EQ(adv.version, version);
  CHECK_EQ(adv.vrid, field_int(text, "Virtual Rtr ID", 0));
  CHECK_EQ(adv.priority, field_int(text, "Priority", 0));
  CHECK_EQ(adv.n_addresses, field_int(text, "Addr Count", 0));
  /* tshark shows v2's interval in seconds, v3's in centiseconds (our unit). */
  expected_interval = field_int(text, "Adver Int", 1);
  CHECK_EQ(adv.interval_cs, version == 2 ? expected_interval * 100 : expected_interval);
  CHECK_EQ(adv.family, info.source.family);
  if (version == 2) {
    /* "Auth Type: Simple Text Authentication [RFC 2338] / Reserved [RFC 3768] (1)" */
    const char *paren;
    CHECK(field(text, "Virtual Router Redundancy Protocol", "Auth Type", 0, value, sizeof value));
    paren = strrchr(value, '(');
    CHECK(paren != NULL);
    if (paren != NULL) CHECK_EQ(adv.auth_type, atoi(paren + 1));
  }
  /* Each "IP Address" / "IPv6 Address" line of the VRRP section, in order. */
  {
    const char *line = vrrp_section;
    const char *label = adv.family == VRRP_FAMILY_IPV4 ? "    IP Address: " : "    IPv6 Address: ";
    while ((line = strstr(line, label)) != NULL) {
      char want[64], got[64];
      const char *v = line + strlen(label);
      size_t n = strcspn(v, "\n");
      if (n >= sizeof want) n = sizeof want - 1;
      memcpy(want, v, n);
      want[n] = '\0';
      CHECK(n_addresses < adv.n_addresses);
      if (n_addresses < adv.n_addresses) {
        CHECK(vrrp_addr_format(&adv.addresses[n_addresses], got, sizeof got) > 0);
        CHECK_STREQ(got, want);
      }
      ++n_addresses;
      line = v;
    }
    CHECK_EQ(n_addresses, adv.n_addresses);
    CHECK(n_addresses > 0);
  }
  printf("   version %d vrid %d priority %d interval %d cs, %zu address(es): ok\n", adv.version,
         adv.vrid, adv.priority, adv.interval_cs, adv.n_addresses);

  /* The same bytes with a TTL other than 255 are refused (RFC 5798 §7.1). */
  info.ttl = 254;
  CHECK_EQ(vrrp_decode(payload, len, &info, &adv, storage), VRRP_DROP_TTL);
done:
  free(c.file);
  free(text);
}

int main(int argc, char **argv) {
  static const char *const captures[] = {"keepalived-v2-pass", "keepalived-v2-priority0",
                                         "keepalived-v2-unicast", "keepalived-v3-ipv4",
                                         "keepalived-v3-ipv6"};
  size_t i;
  if (argc != 2) {
    fprintf(stderr, "usage: %s VECTORS_DIR\n", argv[0]);
    return 2;
  }
  for (i = 0; i < sizeof captures / sizeof captures[0]; ++i) check_capture(argv[1], captures[i]);
  return check_result("c_abi_decode_captures");
}
