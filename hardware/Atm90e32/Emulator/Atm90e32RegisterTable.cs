using System.Collections.Generic;

namespace AssetMeter.Hardware.Emulation
{
    /// <summary>How the emulated ATM90E32AS treats a register.</summary>
    public enum Atm90e32Access
    {
        /// <summary>Not a register: reads 0, writes are ignored.</summary>
        None,

        /// <summary>Read and write; writes may need configuration access (see <see cref="Atm90e32RegisterInfo.Gated"/>).</summary>
        ReadWrite,

        /// <summary>Read only (measurements, status); writes are ignored.</summary>
        ReadOnly,

        /// <summary>Read only and cleared by each read (energy registers).</summary>
        ReadClear,

        /// <summary>Write only (SoftReset); reads 0.</summary>
        WriteOnly,
    }

    /// <summary>One register of the emulator's own map.</summary>
    public readonly record struct Atm90e32RegisterInfo(int Address, string Mnemonic, Atm90e32Access Access, int ResetValue, bool Gated, bool Protected);

    /// <summary>
    /// The emulator's register map, typed in from the datasheet's tables separately from the driver's
    /// <c>Atm90e32Register</c>, so that a wrong address in either shows up in the cross-check test.
    /// </summary>
    /// <remarks>
    /// Gated: a write only lands while CfgRegAccEn holds 0x55AA (our reading of "configure register access
    /// enable"; assumed for every register from 0x00 to 0x6F). Protected: covered by CRCDigest (assumed set:
    /// 0x31-0x3A, 0x41-0x4C, 0x51-0x56, 0x61-0x6C, 0x6E). Reset values of MeterEn, Ugain/Igain and CfgRegAccEn
    /// are assumed 0.
    /// </remarks>
    public static class Atm90e32RegisterTable
    {
        private static readonly Atm90e32RegisterInfo[] ByAddress = Build();

        // Declared here, before the index built from it: static initialisers run in text order.
        /// <summary>Every defined register, in address order (an array, so walking it allocates nothing).</summary>
        public static Atm90e32RegisterInfo[] All { get; } = Defined();

        private static readonly Dictionary<string, int> ByMnemonic = Index();

        /// <summary>The entry at <paramref name="address"/> (Access None when there is no register).</summary>
        public static Atm90e32RegisterInfo At(int address) => ByAddress[address & 0x3FF];

        /// <summary>The address of a register by its datasheet mnemonic.</summary>
        public static int AddressOf(string mnemonic) => ByMnemonic[mnemonic];

        private static Atm90e32RegisterInfo[] Defined()
        {
            var defined = new List<Atm90e32RegisterInfo>();
            foreach (var info in ByAddress)
            {
                if (info.Access != Atm90e32Access.None)
                {
                    defined.Add(info);
                }
            }

            return defined.ToArray();
        }

        private static Dictionary<string, int> Index()
        {
            var index = new Dictionary<string, int>();
            foreach (var info in All)
            {
                index.Add(info.Mnemonic, info.Address);
            }

            return index;
        }

        private static Atm90e32RegisterInfo[] Build()
        {
            var table = new Atm90e32RegisterInfo[1024];
            for (int a = 0; a < table.Length; a++)
            {
                table[a] = new Atm90e32RegisterInfo(a, "", Atm90e32Access.None, 0, false, false);
            }

            void Rw(int address, string name, int reset, bool gated = true, bool isProtected = false) =>
                table[address] = new Atm90e32RegisterInfo(address, name, Atm90e32Access.ReadWrite, reset, gated, isProtected);
            void Ro(int address, string name) =>
                table[address] = new Atm90e32RegisterInfo(address, name, Atm90e32Access.ReadOnly, 0, false, false);
            void Rc(int address, string name) =>
                table[address] = new Atm90e32RegisterInfo(address, name, Atm90e32Access.ReadClear, 0, false, false);
            void Cfg(int address, string name, int reset = 0) => Rw(address, name, reset, true, true);

            // Status and special registers (the event-detection thresholds 0x01-0x0F are not modelled).
            Rw(0x00, "MeterEn", 0x0000);
            table[0x70] = new Atm90e32RegisterInfo(0x70, "SoftReset", Atm90e32Access.WriteOnly, 0, false, false);
            Ro(0x71, "EMMState0");
            Ro(0x72, "EMMState1");
            Ro(0x73, "EMMIntState0");
            Ro(0x74, "EMMIntState1");
            Rw(0x75, "EMMIntEn0", 0x0000, gated: false);
            Rw(0x76, "EMMIntEn1", 0x0000, gated: false);
            Ro(0x78, "LastSPIData");
            Ro(0x79, "CRCErrStatus");
            Ro(0x7A, "CRCDigest");
            Rw(0x7F, "CfgRegAccEn", 0x0000, gated: false);

            // Configuration registers.
            Cfg(0x31, "PLconstH", 0x0861);
            Cfg(0x32, "PLconstL", 0xC468);
            Cfg(0x33, "MMode0", 0x0087);
            Cfg(0x34, "MMode1");
            Cfg(0x35, "PStartTh");
            Cfg(0x36, "QStartTh");
            Cfg(0x37, "SStartTh");
            Cfg(0x38, "PPhaseTh");
            Cfg(0x39, "QPhaseTh");
            Cfg(0x3A, "SPhaseTh");

            // Energy calibration registers.
            Cfg(0x41, "POffsetA");
            Cfg(0x42, "QOffsetA");
            Cfg(0x43, "POffsetB");
            Cfg(0x44, "QOffsetB");
            Cfg(0x45, "POffsetC");
            Cfg(0x46, "QOffsetC");
            Cfg(0x47, "PQGainA");
            Cfg(0x48, "PhiA");
            Cfg(0x49, "PQGainB");
            Cfg(0x4A, "PhiB");
            Cfg(0x4B, "PQGainC");
            Cfg(0x4C, "PhiC");

            // Fundamental/harmonic energy calibration registers.
            Cfg(0x51, "POffsetAF");
            Cfg(0x52, "POffsetBF");
            Cfg(0x53, "POffsetCF");
            Cfg(0x54, "PGainAF");
            Cfg(0x55, "PGainBF");
            Cfg(0x56, "PGainCF");

            // Measurement calibration registers.
            Cfg(0x61, "UgainA");
            Cfg(0x62, "IgainA");
            Cfg(0x63, "UoffsetA");
            Cfg(0x64, "IoffsetA");
            Cfg(0x65, "UgainB");
            Cfg(0x66, "IgainB");
            Cfg(0x67, "UoffsetB");
            Cfg(0x68, "IoffsetB");
            Cfg(0x69, "UgainC");
            Cfg(0x6A, "IgainC");
            Cfg(0x6B, "UoffsetC");
            Cfg(0x6C, "IoffsetC");
            Cfg(0x6E, "IoffsetN");

            // Energy registers: 16-bit, cleared by the read.
            string[] energy =
            {
                "APenergyT", "APenergyA", "APenergyB", "APenergyC", "ANenergyT", "ANenergyA", "ANenergyB", "ANenergyC",
                "RPenergyT", "RPenergyA", "RPenergyB", "RPenergyC", "RNenergyT", "RNenergyA", "RNenergyB", "RNenergyC",
                "SAenergyT", "SenergyA", "SenergyB", "SenergyC",
            };
            for (int i = 0; i < energy.Length; i++)
            {
                Rc(0x80 + i, energy[i]);
            }

            // Power, power factor, RMS, frequency and temperature.
            string[] power =
            {
                "PmeanT", "PmeanA", "PmeanB", "PmeanC", "QmeanT", "QmeanA", "QmeanB", "QmeanC",
                "SAmeanT", "SmeanA", "SmeanB", "SmeanC", "PFmeanT", "PFmeanA", "PFmeanB", "PFmeanC",
                "PmeanTLSB", "PmeanALSB", "PmeanBLSB", "PmeanCLSB", "QmeanTLSB", "QmeanALSB", "QmeanBLSB", "QmeanCLSB",
                "SAmeanTLSB", "SmeanALSB", "SmeanBLSB", "SmeanCLSB",
            };
            for (int i = 0; i < power.Length; i++)
            {
                Ro(0xB0 + i, power[i]);
            }

            Ro(0xD8, "IrmsN");
            Ro(0xD9, "UrmsA");
            Ro(0xDA, "UrmsB");
            Ro(0xDB, "UrmsC");
            Ro(0xDD, "IrmsA");
            Ro(0xDE, "IrmsB");
            Ro(0xDF, "IrmsC");
            Ro(0xF8, "Freq");
            Ro(0xFC, "Temp");
            return table;
        }
    }
}
