using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Events;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace AssetMeter.Firmware.Tests.Protocol
{
    /// <summary>
    /// docs/protocol.md is what collectors are written against: its shell recipes work as written (a command signed
    /// with openssl is accepted; a record checked with openssl from meter-public-key.hex verifies), and it names every
    /// refusal reason, event and topic the code has.
    /// </summary>
    [TestClass]
    public class ProtocolDocumentTests
    {
        private static string Repository()
        {
            string? directory = AppContext.BaseDirectory;
            while (directory != null && !File.Exists(Path.Combine(directory, "AssetMeter.slnx")))
            {
                directory = Path.GetDirectoryName(directory);
            }

            return directory ?? throw new InvalidOperationException("repository root not found");
        }

        private static string Document() => File.ReadAllText(Path.Combine(Repository(), "docs", "protocol.md"));

        [TestMethod]
        public void The_document_names_every_refusal_reason_operation_event_and_topic()
        {
            string document = Document();
            foreach (CommandRefusal refusal in Enum.GetValues<CommandRefusal>().Where(r => r != CommandRefusal.None))
            {
                StringAssert.Contains(document, $"| {(int)refusal} | `{RefusalNames.Of(refusal)}` |", refusal.ToString());
            }

            foreach (CommandKind kind in Enum.GetValues<CommandKind>().Where(k => k != CommandKind.None))
            {
                StringAssert.Contains(document, $"| `{RefusalNames.Of(kind)}` | {(int)kind} |", kind.ToString());
            }

            foreach (EventCode code in Enum.GetValues<EventCode>())
            {
                StringAssert.Contains(document, $"| {(int)code} | `{EventNames.Of(code)}` |", code.ToString());
            }

            foreach (string topic in new[] { "period", "snapshot", "status", "event", "command", "reply", "telemetry", "operational" })
            {
                StringAssert.Contains(document, $"`assetmeter/<serial>/{topic}`", topic);
            }
        }

        [TestMethod]
        public void A_command_signed_with_the_documented_openssl_recipe_is_accepted()
        {
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-recipe-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                Openssl(directory, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "collector.key");

                // The collector's public key for the meter configuration: the last 65 bytes of the DER public key.
                Openssl(directory, "ec", "-in", "collector.key", "-pubout", "-outform", "DER", "-out", "collector.pub.der");
                byte[] publicKey = File.ReadAllBytes(Path.Combine(directory, "collector.pub.der"))[^65..];
                using var imported = ECDsa.Create();
                imported.ImportFromPem(File.ReadAllText(Path.Combine(directory, "collector.key")));
                using var collector = new CollectorKey(imported);
                CollectionAssert.AreEqual(collector.PublicKey, publicKey);
                using var meter = new ProtocolMeter(Signing.Hmac, collector: collector);
                meter.Rig.Run(10 * ProtocolMeter.Minute);

                string payload = CollectorKey.Payload(ProtocolMeter.Serial, 1_795_400_000_123, meter.MeterUtc.AddMinutes(5), "read");
                File.WriteAllBytes(Path.Combine(directory, "payload.json"), Encoding.ASCII.GetBytes(payload));
                Openssl(directory, "dgst", "-sha256", "-sign", "collector.key", "-out", "signature.der", "payload.json");
                string hex = Convert.ToHexStringLower(File.ReadAllBytes(Path.Combine(directory, "signature.der")));
                meter.Deliver(Encoding.ASCII.GetBytes("AMC1|" + payload + "|" + hex));
                Assert.AreEqual("ok", meter.Replies().Last().GetProperty("result").GetString(), meter.Replies().Last().GetRawText());
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        [TestMethod]
        public void A_record_checked_with_the_documented_openssl_recipe_verifies()
        {
            using var meter = new ProtocolMeter(Signing.Atecc608);
            meter.Rig.Run(35 * ProtocolMeter.Minute);
            var record = meter.PeriodRecords().Last();
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-recipe-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                // meter-public-key.hex is 04 || X || Y; the fixed 26-byte SubjectPublicKeyInfo header for P-256 makes it DER.
                string spki = "3059301306072a8648ce3d020106082a8648ce3d030107034200" + Convert.ToHexStringLower(meter.MeterPublicKey!);
                File.WriteAllBytes(Path.Combine(directory, "meter.der"), Convert.FromHexString(spki));
                Openssl(directory, "pkey", "-pubin", "-inform", "DER", "-in", "meter.der", "-out", "meter.pem");
                File.WriteAllBytes(Path.Combine(directory, "payload.bin"), record.Payload);
                File.WriteAllBytes(Path.Combine(directory, "signature.der"), record.Signature);
                var (exit, output) = RecordVerifiers.Openssl.Run(directory, "dgst", "-sha256", "-verify", "meter.pem", "-signature", "signature.der", "payload.bin");
                Assert.AreEqual(0, exit, output);
                StringAssert.Contains(output, "Verified OK");
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        [TestMethod]
        [DataRow("protocol.md")]
        [DataRow("records.md")]
        public void The_documented_shell_recipe_verifies_a_record_and_rejects_a_changed_one(string document)
        {
            // The bash block of the document that verifies a record, run as written with $record set.
            string text = File.ReadAllText(Path.Combine(Repository(), "docs", document));
            string script = System.Text.RegularExpressions.Regex.Matches(text, "```bash\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
                .Select(m => m.Groups[1].Value).Single(block => block.Contains("-verify meter.pem", StringComparison.Ordinal));
            using var meter = new ProtocolMeter(Signing.Atecc608);
            meter.Rig.Run(35 * ProtocolMeter.Minute);
            string record = ProtocolMeter.Ascii(meter.PeriodRecords().Last().Raw);
            string directory = Path.Combine(Path.GetTempPath(), "assetmeter-recipe-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                File.WriteAllText(Path.Combine(directory, "meter-public-key.hex"), Convert.ToHexStringLower(meter.MeterPublicKey!) + "\n");
                File.WriteAllText(Path.Combine(directory, "meter.pem"), RecordVerifiers.Pem(meter.MeterPublicKey!));
                Assert.AreEqual("Verified OK", Bash(directory, script, record).Trim());
                string changed = record.Replace("\"XF\":", "\"XF\": ", StringComparison.Ordinal);
                Assert.AreEqual("Verification failure", Bash(directory, script, changed).Trim().Split('\n')[0]);
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }

        private static string Bash(string directory, string script, string record)
        {
            var start = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = directory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["record"] = record;
            File.WriteAllText(Path.Combine(directory, "record.txt"), record);
            using var process = System.Diagnostics.Process.Start(start)!;
            process.StandardInput.Write("record=\"$record\"\n" + script);
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output + error.Result;
        }

        private static void Openssl(string directory, params string[] arguments)
        {
            var (exit, output) = RecordVerifiers.Openssl.Run(directory, arguments);
            Assert.AreEqual(0, exit, "openssl " + string.Join(" ", arguments) + ": " + output);
        }
    }
}
