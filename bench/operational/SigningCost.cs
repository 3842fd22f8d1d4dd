using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Security.Cryptography;
using AssetMeter.Firmware.Crypto;
using AssetMeter.Firmware.Operational;

namespace AssetMeter.Bench.Operational
{
    /// <summary>
    /// What a message costs: on this host, measured (the meter's portable builder and MAC, beside .NET's HMAC over the same
    /// payload); on the ESP32, counted (SHA-256 compressions per message and IL instructions per compression, from the
    /// IL of the portable code) and turned into time by the range of speeds the nanoFramework interpreter is reported at.
    /// </summary>
    internal static class SigningCost
    {
        // nanoFramework's interpreter on an ESP32 at 240 MHz: a GPIO toggle loop (three IL instructions and a native call)
        // runs at 27-81 kHz (nanoframework/Home issue 1013), so at least 0.1-0.25 million IL instructions a second with
        // the native call; plain arithmetic IL runs faster. Taken as 0.25 to 3 million a second: a range, not a measurement.
        private const double SlowIlPerSecond = 250_000;
        private const double FastIlPerSecond = 3_000_000;

        public static void Run()
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var builder = new OperationalMessageBuilder("am-bench-00001", key);
            long utc = new DateTime(2026, 11, 23, 2, 44, 17, 200, DateTimeKind.Utc).Ticks;
            int length = builder.Build(123_456, utc, 'S', 60, 7_286_397, 60_000, 121_439_950, 0, 12_630_164_123, 0);
            int payloadLength = length - OperationalMessageBuilder.Magic.Length - 1 - 64;
            byte[] payload = builder.Message.AsSpan(OperationalMessageBuilder.Magic.Length, payloadLength).ToArray();
            int compressions = ((payloadLength + 9 + 63) / 64) + 1;

            double build = Time(() => builder.Build(123_456, utc, 'S', 60, 7_286_397, 60_000, 121_439_950, 0, 12_630_164_123, 0));
            var hmac = new HmacSha256(key);
            var mac = new byte[32];
            double portableMac = Time(() =>
            {
                hmac.Initialize();
                hmac.Update(payload, 0, payload.Length);
                hmac.Final(mac, 0);
            });
            using var platform = new HMACSHA256(key);
            double platformMac = Time(() => platform.TryComputeHash(payload, mac, out _));
            var sha = new Sha256();
            var block = new byte[64];
            double compression = Time(() =>
            {
                sha.Update(block, 0, 64);
            });

            long il = IlPerCompression(out string ilNote);
            long ilPerMessage = il * compressions;
            Console.WriteLine($"A message: {length} bytes, payload {payloadLength} bytes, {compressions} SHA-256 compressions for its MAC (keyed states precomputed)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  host, portable code: build and sign {build * 1e6:F2} µs a message (of it the MAC {portableMac * 1e6:F2} µs; one compression {compression * 1e6:F3} µs)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  host, .NET HMACSHA256 (OpenSSL) over the same payload: {platformMac * 1e6:F2} µs; the portable MAC is {portableMac / platformMac:F1}x that"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ESP32, counted: {il:N0} IL instructions a compression ({ilNote}), {ilPerMessage:N0} for the MAC of a message"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ESP32, estimated at {SlowIlPerSecond / 1e6:F2}-{FastIlPerSecond / 1e6:F0} M IL/s: {ilPerMessage / FastIlPerSecond * 1e3:F1}-{ilPerMessage / SlowIlPerSecond * 1e3:F0} ms a message's MAC; "
                + $"at a 1 s interval {ilPerMessage / FastIlPerSecond * 100:F1}-{ilPerMessage / SlowIlPerSecond * 100:F1} % of the processor, at 60 s {ilPerMessage / FastIlPerSecond / 60 * 100:F3}-{ilPerMessage / SlowIlPerSecond / 60 * 100:F2} %"));
            Console.WriteLine("  (not measured on a device; the JSON text adds work of the same order as one compression)");
        }

        private static double Time(Action action)
        {
            for (int i = 0; i < 20_000; i++)
            {
                action();
            }

            var watch = Stopwatch.StartNew();
            long n = 0;
            while (watch.Elapsed.TotalSeconds < 1.0)
            {
                for (int i = 0; i < 1000; i++)
                {
                    action();
                }

                n += 1000;
            }

            return watch.Elapsed.TotalSeconds / n;
        }

        // The IL of Sha256.Compress, decoded: its loops are the backward branches, in source order the 16 message words,
        // the 48 schedule words and the 64 rounds. Instructions executed = the straight-line ones + each loop body times
        // its iterations.
        private static long IlPerCompression(out string note)
        {
            MethodInfo method = typeof(Sha256).GetMethod("Compress", BindingFlags.NonPublic | BindingFlags.Instance)!;
            byte[] il = method.GetMethodBody()!.GetILAsByteArray()!;
            var single = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value, o => o);
            var offsets = new System.Collections.Generic.List<int>();
            var loops = new System.Collections.Generic.List<(int From, int To)>();
            int at = 0;
            while (at < il.Length)
            {
                offsets.Add(at);
                short code = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
                OpCode op = single[code];
                int size = op.Size;
                int operand = op.OperandType switch
                {
                    OperandType.InlineNone => 0,
                    OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                    OperandType.InlineVar => 2,
                    OperandType.InlineI8 or OperandType.InlineR => 8,
                    OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at + size)),
                    _ => 4,
                };
                int next = at + size + operand;
                if (op.OperandType is OperandType.ShortInlineBrTarget or OperandType.InlineBrTarget)
                {
                    int target = next + (op.OperandType == OperandType.ShortInlineBrTarget ? (sbyte)il[at + size] : BitConverter.ToInt32(il, at + size));
                    if (target < at)
                    {
                        loops.Add((target, next));
                    }
                }

                at = next;
            }

            int[] iterations = { 16, 48, 64 };
            if (loops.Count != iterations.Length)
            {
                note = $"{loops.Count} loops found, 3 expected: counted once each";
                return offsets.Count;
            }

            long total = offsets.Count;
            for (int i = 0; i < loops.Count; i++)
            {
                long body = offsets.Count(o => o >= loops[i].From && o < loops[i].To);
                total += body * (iterations[i] - 1);
            }

            note = $"{offsets.Count} in the method, loops of {string.Join(", ", loops.Select((l, i) => $"{offsets.Count(o => o >= l.From && o < l.To)} x {iterations[i]}"))}";
            return total;
        }
    }
}
