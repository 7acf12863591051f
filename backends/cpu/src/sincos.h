// Vectorised sin and cos of one argument at once, for the SIREN activation (y = sin(s) and
// its derivative omega cos(s)). It is Eigen 3.4's psincos_float (the algorithm behind
// ArrayXf::sin/cos: FMA range reduction by pi/2, both minimax polynomials, select by
// octant) with the reduction and polynomials shared instead of computed twice. Arguments of
// magnitude >= 71476 (where that reduction loses accuracy) fall back to std::sin/std::cos
// per lane. Only for builds with a fused multiply-add (the reduction constants assume it).
#pragma once

#include <Eigen/Core>
#include <cmath>

// Packet types are vector typedefs whose attributes GCC says it drops in template arguments
// (-Wignored-attributes); Eigen silences the same warning in its own headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"

namespace anvil::cpu {

#if defined(EIGEN_HAS_SINGLE_INSTRUCTION_MADD) && defined(EIGEN_VECTORIZE)
#define ANVIL_CPU_FUSED_SINCOS 1

using FloatPacket = Eigen::internal::packet_traits<float>::type;
inline constexpr int kFloatLanes = Eigen::internal::unpacket_traits<FloatPacket>::size;

// sin(x) and cos(x) for every lane of x.
inline void sincos_packet(const FloatPacket& x_in, FloatPacket& sin_out, FloatPacket& cos_out) {
    using namespace Eigen::internal;
    using PacketI = unpacket_traits<FloatPacket>::integer_packet;
    const float huge = 71476.0625f;  // below it the 3-term FMA reduction keeps 1 ulp
    FloatPacket x = pabs(x_in);
    // Octant: y = round(|x| 2/pi) through the 2^23 rounding trick; y_int keeps its bits.
    FloatPacket y = pmul(x, pset1<FloatPacket>(0.636619746685028076171875f));
    const FloatPacket y_round = padd(y, pset1<FloatPacket>(12582912.0f));
    PacketI y_int = preinterpret<PacketI>(y_round);
    y = psub(y_round, pset1<FloatPacket>(12582912.0f));
    // x - y pi/2 in extended precision: -pi/4 <= x <= pi/4.
    x = pmadd(y, pset1<FloatPacket>(-1.57079601287841796875f), x);
    x = pmadd(y, pset1<FloatPacket>(-3.1391647326017846353352069854736328125e-07f), x);
    x = pmadd(y, pset1<FloatPacket>(-5.390302529957764765544681040410068817436695098876953125e-15f), x);
    const FloatPacket x2 = pmul(x, x);
    // cos and sin polynomials on [-pi/4, pi/4] (Eigen's coefficients).
    FloatPacket pc = pset1<FloatPacket>(2.4372266125283204019069671630859375e-05f);
    pc = pmadd(pc, x2, pset1<FloatPacket>(-0.00138865201734006404876708984375f));
    pc = pmadd(pc, x2, pset1<FloatPacket>(0.041666619479656219482421875f));
    pc = pmadd(pc, x2, pset1<FloatPacket>(-0.5f));
    pc = pmadd(pc, x2, pset1<FloatPacket>(1.f));
    FloatPacket ps = pset1<FloatPacket>(-0.0001959234114083702898469196984621021329076029360294342041015625f);
    ps = pmadd(ps, x2, pset1<FloatPacket>(0.0083326873655616851693794799871284340042620897293090820312500000f));
    ps = pmadd(ps, x2, pset1<FloatPacket>(-0.1666666203982298255503735617821803316473960876464843750000000000f));
    ps = pmul(ps, x2);
    ps = pmadd(ps, x, x);
    // Even octants take sin from the sin polynomial, odd ones from the cos polynomial.
    const PacketI one = pset1<PacketI>(1);
    const FloatPacket even = preinterpret<FloatPacket>(pcmp_eq(pand(y_int, one), pzero(y_int)));
    const FloatPacket sign_mask = pset1frombits<FloatPacket>(0x80000000u);
    // sin's sign: bit 1 of the octant xor the argument's sign; cos's: bit 1 of octant + 1.
    const FloatPacket sin_sign =
        pand(pxor(x_in, preinterpret<FloatPacket>(plogical_shift_left<30>(y_int))), sign_mask);
    const FloatPacket cos_sign =
        pand(preinterpret<FloatPacket>(plogical_shift_left<30>(padd(y_int, one))), sign_mask);
    sin_out = pxor(pselect(even, ps, pc), sin_sign);
    cos_out = pxor(pselect(even, pc, ps), cos_sign);
    if (predux_any(pcmp_le(pset1<FloatPacket>(huge), pabs(x_in)))) {
        alignas(64) float args[kFloatLanes], s[kFloatLanes], c[kFloatLanes];
        pstoreu(args, x_in);
        pstoreu(s, sin_out);
        pstoreu(c, cos_out);
        for (int k = 0; k < kFloatLanes; ++k) {
            if (!(std::abs(args[k]) >= huge)) continue;  // NaN stays NaN from the fast path
            s[k] = std::sin(args[k]);
            c[k] = std::cos(args[k]);
        }
        sin_out = ploadu<FloatPacket>(s);
        cos_out = ploadu<FloatPacket>(c);
    }
}
#else
#define ANVIL_CPU_FUSED_SINCOS 0
#endif

}  // namespace anvil::cpu

#pragma GCC diagnostic pop
