// Image files built byte by byte for the tests and the fuzz corpus (tests/fuzz/corpus/image,
// made by tests/fuzz/make_image_corpus.cpp): valid files of every accepted format, which the
// tests then cut, corrupt or give impossible headers. Nothing here uses anvil's own decoders
// or encoders except jpeg_file (stb_image_write), so a decoder bug cannot hide in its tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace anvil::siren::test {

using Bytes = std::vector<std::uint8_t>;

Bytes read_file(const std::string& path);
void write_file(const std::string& path, const Bytes& bytes);

void put_be32(Bytes& out, std::uint32_t v);
void put_le16(Bytes& out, std::uint32_t v);
void put_le32(Bytes& out, std::uint32_t v);
std::uint32_t crc32(const std::uint8_t* data, std::size_t n);

// A zlib stream of stored (uncompressed) deflate blocks.
Bytes zlib_stored(const Bytes& raw);
// One PNG chunk: length, type, data, CRC.
Bytes png_chunk(const char* type, const Bytes& data);
// A PNG of one IDAT: `scanlines` are the filtered rows (each with its filter byte);
// `plte` (RGB triples) is written before IDAT when not empty.
Bytes png_file(std::uint32_t width, std::uint32_t height, int bit_depth, int colour_type,
               const Bytes& scanlines, const Bytes& plte = {});
// A 16-bit greyscale PNG of width x height samples.
Bytes png16_grey(int width, int height, const std::vector<std::uint16_t>& samples);

// A baseline JPEG (stb_image_write) of `channels` 1 or 3 interleaved 8-bit samples.
Bytes jpeg_file(int width, int height, int channels, const Bytes& samples, int quality = 90);

// A BMP with a 40-byte header. bpp 1, 4 or 8: a grey colour table of `palette` entries,
// `rows` hold the indices; bpp 24 or 32: `rows` hold BGR(A). Rows are given bottom-up, each
// padded to 4 bytes by the caller (`row_bytes` below); a negative height means top-down.
Bytes bmp_file(std::int32_t width, std::int32_t height, int bpp, int palette, const Bytes& rows);
std::size_t bmp_row_bytes(std::int32_t width, int bpp);

// A TGA. image_type 1/9 (colour-mapped: `map_length` grey entries of 24 bits, indices of `bpp`
// bits), 2/10 (true colour, bpp 24 or 32, BGR(A)), 3/11 (grey, bpp 8); 9-11 expect `data` to be
// run-length packets already. Origin bottom-left.
Bytes tga_file(int width, int height, int image_type, int bpp, int map_length, const Bytes& data);

// A binary PGM ('5') or PPM ('6'): header "P5\n<w> <h>\n<maxval>\n" and `samples`.
Bytes pnm_file(char kind, std::int64_t width, std::int64_t height, int maxval,
               const Bytes& samples);

// A GIF89a of one frame with a global colour table of `colours` (2 to 256) grey entries and
// `indices` (width x height) LZW-coded without compression (a clear code every few codes).
Bytes gif_file(int width, int height, int colours, const Bytes& indices);

// Position of the two-byte JPEG marker 0xFF `code` from `from`, or npos.
std::size_t find_marker(const Bytes& jpeg, std::uint8_t code, std::size_t from = 0);

}  // namespace anvil::siren::test
