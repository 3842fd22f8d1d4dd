namespace AssetMeter.Hardware.Atm90e32
{
    /// <summary>
    /// The addresses of one phase's registers, all derived from the phase index in this one constructor: each
    /// per-phase block of the datasheet is a base address (phase A) plus the phase times the block's stride.
    /// </summary>
    /// <remarks>
    /// Obtain instances from <see cref="Atm90e32Register.Phase"/>. Because forward and reverse energy, power,
    /// RMS and calibration addresses of a phase come from the same index, code that holds the registers of
    /// phase B cannot read the reverse energy of phase A by mistake.
    /// </remarks>
    public sealed class Atm90e32PhaseRegisters
    {
        internal Atm90e32PhaseRegisters(int phase)
        {
            Phase = phase;
            POffset = Atm90e32Register.POffsetA + (2 * phase);
            PQGain = Atm90e32Register.PQGainA + (2 * phase);
            Phi = Atm90e32Register.PhiA + (2 * phase);
            Ugain = Atm90e32Register.UgainA + (4 * phase);
            Igain = Atm90e32Register.IgainA + (4 * phase);
            ForwardActiveEnergy = Atm90e32Register.APenergyA + phase;
            ReverseActiveEnergy = Atm90e32Register.ANenergyA + phase;
            Pmean = Atm90e32Register.PmeanA + phase;
            PmeanLsb = Atm90e32Register.PmeanALSB + phase;
            PFmean = Atm90e32Register.PFmeanA + phase;
            Urms = Atm90e32Register.UrmsA + phase;
            Irms = Atm90e32Register.IrmsA + phase;
        }

        /// <summary>Phase index: 0 = A, 1 = B, 2 = C.</summary>
        public int Phase { get; }

        /// <summary>POffsetX: active power offset (stride 2 from 0x41).</summary>
        public int POffset { get; }

        /// <summary>PQGainX: energy gain (stride 2 from 0x47).</summary>
        public int PQGain { get; }

        /// <summary>PhiX: phase compensation (stride 2 from 0x48).</summary>
        public int Phi { get; }

        /// <summary>UgainX: voltage RMS gain (stride 4 from 0x61).</summary>
        public int Ugain { get; }

        /// <summary>IgainX: current RMS gain (stride 4 from 0x62).</summary>
        public int Igain { get; }

        /// <summary>APenergyX: forward active energy, cleared by a read (0x81 + phase).</summary>
        public int ForwardActiveEnergy { get; }

        /// <summary>ANenergyX: reverse active energy, cleared by a read (0x85 + phase).</summary>
        public int ReverseActiveEnergy { get; }

        /// <summary>PmeanX: active power high word, 1 W per LSB (0xB1 + phase).</summary>
        public int Pmean { get; }

        /// <summary>PmeanXLSB: active power low word, 1/256 W per bit 8 (0xC1 + phase).</summary>
        public int PmeanLsb { get; }

        /// <summary>PFmeanX: power factor, 0.001 per LSB (0xBD + phase).</summary>
        public int PFmean { get; }

        /// <summary>UrmsX: RMS voltage, 0.01 V per LSB (0xD9 + phase).</summary>
        public int Urms { get; }

        /// <summary>IrmsX: RMS current, 0.001 A per LSB (0xDD + phase).</summary>
        public int Irms { get; }
    }
}
